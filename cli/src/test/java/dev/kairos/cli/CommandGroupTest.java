package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree built as far as the arguments need: every command's usage help is what the
 * whole tree, built eagerly, prints, and what the arguments do not select is not built.
 */
class CommandGroupTest {

    /** The whole tree, every subcommand built in full: what picocli builds from {@code @Command(subcommands = ...)}. */
    private static CommandLine eager(CommandLine line) {
        if (line.getCommand() instanceof CommandGroup group) {
            for (CommandGroup.Subcommand sub : group.subcommands()) {
                CommandLine built = sub instanceof CommandGroup.Subcommand.Coded coded
                        ? new CommandLine(coded.spec().get())
                        : new CommandLine(instantiate(((CommandGroup.Subcommand.Annotated) sub).type()));
                line.addSubcommand(built.getCommandName(), eager(built));
            }
        }
        return line;
    }

    private static CommandLine eagerRoot() {
        return eager(new CommandLine(Main.spec()));
    }

    private static Object instantiate(Class<?> type) {
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type + " cannot be created", e);
        }
    }

    private static CommandLine at(CommandLine root, List<String> path) {
        CommandLine line = root;
        for (String name : path) {
            line = line.getSubcommands().get(name);
        }
        return line;
    }

    /** Every command's path from the root: [], [run], [run, deferred-allocation], ... */
    private static void paths(CommandLine line, List<String> path, List<List<String>> into) {
        into.add(path);
        line.getSubcommands().forEach((name, sub) -> {
            List<String> longer = new ArrayList<>(path);
            longer.add(name);
            paths(sub, longer, into);
        });
    }

    @Test
    void everyCommandsUsageIsTheEagerTreesWhenTheArgumentsSelectIt() {
        CommandLine whole = eagerRoot();
        List<List<String>> all = new ArrayList<>();
        paths(whole, List.of(), all);
        assertThat(all).hasSizeGreaterThan(10).contains(List.of("bench", "pipeline"), List.of("run", "deferred-allocation"));
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CommandLine lazy = CommandGroup.build(Main.spec(), args.toArray(String[]::new));
            assertThat(at(lazy, path).getUsageMessage()).as("usage of %s", path).isEqualTo(at(whole, path).getUsageMessage());
        }
    }

    @Test
    void helpNameSelectsThatCommand() {
        CommandLine whole = eagerRoot();
        CommandLine lazy = CommandGroup.build(Main.spec(), "help", "machine");
        assertThat(at(lazy, List.of("machine")).getUsageMessage()).isEqualTo(at(whole, List.of("machine")).getUsageMessage());
    }

    @Test
    void onlyTheSelectedBranchIsBuilt() {
        CommandLine lazy = CommandGroup.build(Main.spec(), "run", "deferred-allocation", "--cpus", "1");
        assertThat(at(lazy, List.of("run", "deferred-allocation")).getCommandSpec().findOption("--cpus")).isNotNull();
        assertThat(at(lazy, List.of("bench")).getSubcommands()).isEmpty();
        assertThat(at(lazy, List.of("help")).getCommandSpec().helpCommand()).as("help is an outline unless asked for").isFalse();
        CommandLine version = CommandGroup.build(Main.spec(), "--version");
        assertThat(version.getSubcommands().values()).allSatisfy(sub -> assertThat(sub.getSubcommands()).isEmpty());
        CommandLine help = CommandGroup.build(Main.spec(), "help", "run");
        assertThat(at(help, List.of("help")).getCommandSpec().helpCommand()).isTrue();
        assertThat(at(help, List.of("run")).getSubcommands()).containsKey("deferred-allocation");
    }

    /**
     * The commands a user runs first are built in code: selecting one and everything above it reads no
     * annotation, whose proxies and reflection cost a quarter of a short run (see {@link Specs}).
     */
    @Test
    void theRunPathIsBuiltWithoutAnnotations() {
        CommandLine lazy = CommandGroup.build(Main.spec(), "run", "deferred-allocation", "--cpus", "1");
        List<List<String>> all = new ArrayList<>();
        paths(lazy, List.of(), all);
        for (List<String> path : all) {
            CommandLine line = at(lazy, path);
            assertThat(line.getCommandSpec().mixins().keySet()).as("mixins of %s", path).allSatisfy(mixin ->
                    assertThat(line.getCommandSpec().mixinAnnotatedElements()).doesNotContainKey(mixin));
            assertThat(line.getCommandSpec().options()).as("options of %s", path)
                    .allSatisfy(option -> assertThat(option.userObject() instanceof java.lang.reflect.AccessibleObject).as("%s is a field", option).isFalse());
        }
    }

    @Test
    void theVersionWithoutPicocliIsPicocliStandardVersion() {
        StringWriter picocli = new StringWriter();
        CommandGroup.build(Main.spec(), "--version").printVersionHelp(new PrintWriter(picocli, true));
        for (String option : List.of("--version", "-V")) {
            Cli version = Cli.run(option);
            assertThat(version.exitCode()).isZero();
            assertThat(version.out()).startsWith("kairos ").isEqualTo(picocli.toString());
        }
    }

    /** Every command lists -V, --version: on a subcommand it prints the root's version line, not nothing. */
    @Test
    void everyCommandPrintsTheVersion() {
        List<List<String>> all = new ArrayList<>();
        paths(eagerRoot(), List.of(), all);
        for (List<String> path : all) {
            if (path.contains("help")) {
                continue;
            }
            for (String option : List.of("--version", "-V")) {
                List<String> args = new ArrayList<>(path);
                args.add(option);
                Cli version = Cli.run(args.toArray(String[]::new));
                assertThat(version.exitCode()).as("%s", args).isZero();
                assertThat(version.out()).as("%s", args).isEqualTo(Main.Version.line() + System.lineSeparator());
            }
        }
    }

    @Test
    void theCommandLineSuggestsForAMistypedName() {
        Cli typo = Cli.run("machin");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("machine");
    }
}
