package dev.kairos.cli;

import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command whose work is its subcommands ({@code kairos}, {@code kairos run}, {@code kairos bench}),
 * built only as far as the arguments need.
 *
 * <p>picocli builds a command's model from its annotations by reflection, and, for every class in
 * {@code @Command(subcommands = ...)}, the subcommand's model too, recursively, before it reads an
 * argument. With every command and benchmark listed that way, {@code kairos --version} built the
 * options of all of them: 1 480 classes loaded, and most of the start-up time. A group instead
 * lists its subcommands here. A subcommand whose model is built in code ({@link Specs}) is built in
 * full, which costs little; an annotated one is read by reflection only when the arguments select
 * it, and is otherwise a name with its usage header and description, which is all a group's usage
 * help, picocli's suggestions for a mistyped name and the {@code help} command's listing read.
 * {@code help NAME} selects NAME, and {@code help GROUP NAME} both, so that its usage is the full one;
 * the {@code help} command itself ({@link NestedHelpCommand}) is built only when it is the name given,
 * and is otherwise an outline with its header.
 *
 * <p>A group's subcommands take no options before the subcommand's name other than the standard
 * help options, so the first argument that does not start with {@code -} is the name.
 */
public interface CommandGroup {

    /** The subcommands, in the order the usage help lists them. */
    List<Subcommand> subcommands();

    /** A subcommand of a group: a model built in code, or a class annotated with {@link Command}. */
    sealed interface Subcommand {
        /** A model built in code: a fresh one, around a fresh command object, at each call. */
        record Coded(Supplier<CommandSpec> spec) implements Subcommand {}

        /** A class annotated with {@link Command}, built by picocli's reflection when selected. */
        record Annotated(Class<?> type) implements Subcommand {}

        static Subcommand coded(Supplier<CommandSpec> spec) {
            return new Coded(spec);
        }

        static Subcommand annotated(Class<?> type) {
            return new Annotated(type);
        }
    }

    /** The {@code help} command ({@link NestedHelpCommand}), listed by every group. */
    Subcommand HELP = Subcommand.annotated(NestedHelpCommand.class);

    /** The command line of {@code root} with the subcommands {@code args} select built in full. */
    static CommandLine build(CommandSpec root, String... args) {
        CommandLine line = new CommandLine(root);
        attach(line, List.of(args));
        return line;
    }

    private static void attach(CommandLine line, List<String> args) {
        if (!(line.getCommand() instanceof CommandGroup group)) {
            return;
        }
        int at = firstName(args, 0);
        boolean helpAsked = at >= 0 && args.get(at).equals("help");
        if (helpAsked) {
            at = firstName(args, at + 1);
        }
        String selected = at < 0 ? null : args.get(at);
        for (Subcommand sub : group.subcommands()) {
            // instanceof rather than a pattern switch, and no record equals: both link code generated at
            // run time (SwitchBootstraps, ObjectMethods), which the AOT cache does not hold.
            String name;
            if (sub instanceof Subcommand.Coded coded) {
                CommandSpec spec = coded.spec().get();
                line.addSubcommand(spec.name(), new CommandLine(spec));
                name = spec.name();
            } else if (((Subcommand.Annotated) sub).type() == NestedHelpCommand.class && !helpAsked) {
                // The help command's header, written here so that listing `help` reads no annotation.
                CommandSpec outline = CommandSpec.create().name("help");
                outline.usageMessage().header(Specs.HELP_COMMAND_HEADER);
                line.addSubcommand("help", outline);
                name = "help";
            } else {
                name = addAnnotated(line, ((Subcommand.Annotated) sub).type(), selected);
            }
            if (name.equals(selected)) {
                attach(line.getSubcommands().get(name), args.subList(at + 1, args.size()));
            }
        }
    }

    /** Adds {@code type} in full if it is {@code selected} or the {@code help} command, else its outline; returns its name. */
    private static String addAnnotated(CommandLine line, Class<?> type, String selected) {
        Command command = type.getAnnotation(Command.class);
        if (command == null) {
            throw new IllegalStateException(type.getName() + " is listed as a subcommand of "
                    + line.getCommandName() + " but has no @Command annotation");
        }
        String name = command.name();
        if (name.equals(selected) || type == NestedHelpCommand.class) {
            line.addSubcommand(name, type);
        } else {
            CommandSpec outline = CommandSpec.create().name(name);
            outline.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
            line.addSubcommand(name, outline);
        }
        return name;
    }

    /** The index of the first argument from {@code from} on that is not an option, or -1. */
    private static int firstName(List<String> args, int from) {
        for (int i = from; i < args.size(); i++) {
            if (!args.get(i).startsWith("-")) {
                return i;
            }
        }
        return -1;
    }
}
