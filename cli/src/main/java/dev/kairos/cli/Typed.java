package dev.kairos.cli;

import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.OptionSpec;

/** An option's value as the user typed it, for a message that names what was asked: {@code --sysmem=1T}, not its bytes. */
public final class Typed {
    private Typed() {}

    /** The last value the command line gave {@code option}, as typed; empty where it gave none (the default holds). */
    public static Optional<String> value(OptionSpec option) {
        List<String> typed = option.originalStringValues();
        return typed.isEmpty() ? Optional.empty() : Optional.of(typed.getLast());
    }
}
