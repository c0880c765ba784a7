package dev.kairos.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a tutorial program on the runtime.")
final class RunCommand implements CommandGroup {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(DeferredAllocationCommand.class, CommandLine.HelpCommand.class);
    }
}
