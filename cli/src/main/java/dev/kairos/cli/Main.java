package dev.kairos.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code kairos} command; its model is built in code ({@link Specs}). */
public final class Main implements CommandGroup {

    @Override
    public List<Subcommand> subcommands() {
        return List.of(Subcommand.coded(RunCommand::spec), Subcommand.coded(MachineCommand::spec),
                Subcommand.coded(dev.kairos.cli.bench.BenchCommand::spec), HELP);
    }

    /** The root's model, around a fresh root; {@link CommandGroup#build} adds the subcommands. */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new Main()).name("kairos").versionProvider(new Version());
        spec.usageMessage()
                .description(
                        "Kairos: a deferred-execution task runtime for the JVM (Realm's model: tasks, instances and copies, each "
                                + "gated by an event), with CPU and CUDA backends.",
                        "",
                        "Exit codes: 0 success, 1 the run failed (a batch failed, the runtime could not start, the tutorial's trace or "
                                + "report could not be written), 2 bad options, 130 and 143 interrupted (SIGINT, SIGTERM).",
                        "")
                .footer("", "In a source checkout, ./kairos test runs the test suite (./mvnw verify) with the JDK 25 the launcher finds.");
        Specs.addStandardHelpOptions(spec);
        return spec;
    }

    public static void main(String[] args) {
        System.setProperty("picocli.disable.closures", "true"); // no search of the class path for Groovy's Closure
        bindLogging();
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Names the command's SLF4J binding, slf4j-simple, so that the first logger does not look for one:
     * without it SLF4J asks a {@code ServiceLoader}, which opens every jar on the class path (about 25 ms
     * of a 0.45 s run, profiled; the AOT cache spares the JVM opening them for classes). SLF4J would
     * say at INFO that it loads the named binding, so its own reports start at WARN. A binding or
     * verbosity the user set with {@code -D} stands.
     */
    static void bindLogging() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /** Runs the command line with its output and errors going to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // picocli would print the same line, after loading some 170 classes to parse one option.
            out.println(Version.line());
            return 0;
        }
        CommandLine cli = CommandGroup.build(spec(), args);
        giveTheVersion(cli, cli.getCommandSpec().versionProvider());
        cli.setOut(out);
        cli.setErr(err);
        cli.setUsageHelpAutoWidth(true);
        cli.setParameterExceptionHandler((e, ignored) -> {
            // One line that says what is wrong, then where the usage is: the whole usage would bury it.
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kairos: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
            cmd.getErr().println("see `" + cmd.getCommandSpec().qualifiedName() + " --help`");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("kairos: " + e.getMessage());
            if (Boolean.getBoolean("kairos.stacktrace")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through; the runtime has closed by now (close() never waits forever).
            err.println("kairos: the Java heap is exhausted (" + e.getMessage() + "); give the JVM more with JAVA_TOOL_OPTIONS=-Xmx...");
            return 1;
        }
    }

    /**
     * Every command built lists {@code -V, --version} (the standard help options), and picocli prints
     * the version of the command it was given on, which for a subcommand has none of its own: the
     * root's, for each.
     */
    private static void giveTheVersion(CommandLine line, CommandLine.IVersionProvider version) {
        for (CommandLine sub : line.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            giveTheVersion(sub, version);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }

        static String line() {
            String v = Main.class.getPackage().getImplementationVersion();
            return "kairos " + (v == null ? "(development build)" : v) + " on Java " + Runtime.version();
        }
    }
}
