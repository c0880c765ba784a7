package dev.kairos.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli models built in code, for the commands a user runs first and most: {@code kairos}, {@code
 * run}, {@code run deferred-allocation}, {@code machine}, the {@code bench} group, and the options
 * they share.
 *
 * <p>Why not annotations there: picocli reads {@code @Command} and {@code @Option} by reflection, and
 * the JDK answers the first read of each annotation type with a dynamic proxy class it generates
 * then (eight of them for {@code run deferred-allocation}, meta-annotations included), and each
 * reflective field access with method-handle classes it spins; no AOT cache holds either. On the
 * project's 2-core machines that was a quarter of the whole tutorial's run, 0.2-0.3 s, before any
 * argument was read (docs/PERFORMANCE.md, "Start-up, third round"). A model built here is the same
 * picocli model, read by the same parser and usage renderer; the benchmarks, run less often and for
 * longer, keep their annotations.
 */
public final class Specs {
    /** The mixin name picocli gives the standard help options; {@code CommandSpec.mixinStandardHelpOptions()} looks for it. */
    private static final String STANDARD_HELP = "mixinStandardHelpOptions";

    /** The {@code help} command's usage header ({@link NestedHelpCommand}), shown beside {@code help} in a group's listing. */
    static final String HELP_COMMAND_HEADER = "Display help information about the specified command.";

    private Specs() {}

    /** An option of type {@code type} bound to a field through {@code get} and {@code set}; its initial value is the field's now. */
    public static <V> OptionSpec.Builder option(String name, Class<V> type, Supplier<V> get, Consumer<V> set) {
        Binding<V> binding = new Binding<>(get, set);
        return OptionSpec.builder(name).type(type).getter(binding).setter(binding).initialValue(get.get()).hasInitialValue(true);
    }

    /**
     * {@code -h, --help} and {@code -V, --version}, as {@code @Command(mixinStandardHelpOptions = true)}
     * adds them: the same names (picocli's {@code picocli.help.name.*} and {@code picocli.version.name.*}
     * properties rename them alike), descriptions and flags, after every other option.
     */
    public static void addStandardHelpOptions(CommandSpec command) {
        CommandSpec mixin = CommandSpec.create();
        mixin.addOption(OptionSpec.builder("${picocli.help.name.0:--h}", "${picocli.help.name.1:---help}").usageHelp(true)
                .type(boolean.class).descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.")
                .build());
        mixin.addOption(OptionSpec.builder("${picocli.version.name.0:--V}", "${picocli.version.name.1:---version}")
                .versionHelp(true).type(boolean.class).descriptionKey("mixinStandardHelpOptions.version")
                .description("Print version information and exit.").build());
        command.addMixin(STANDARD_HELP, mixin);
    }

    /** A field as picocli's getter and setter (picocli's interfaces have generic methods, which a lambda cannot implement). */
    private record Binding<V>(Supplier<V> reader, Consumer<V> writer) implements IGetter, ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) reader.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = get();
            writer.accept((V) value);
            return old;
        }
    }
}
