package dev.kairos.cli;

import java.util.List;
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
 * lists its subcommands here, and {@link #build} builds in full only the one the arguments select;
 * each other subcommand becomes a name with its usage header and description, which is all a
 * group's usage help, picocli's suggestions for a mistyped name and the {@code help} command's
 * listing read. {@code help NAME} selects NAME, so that its usage is the full one.
 *
 * <p>A group's subcommands take no options before the subcommand's name other than the standard
 * help options, so the first argument that does not start with {@code -} is the name.
 */
public interface CommandGroup {

    /** The subcommand classes, each annotated with {@link Command}, in the order the usage help lists them. */
    List<Class<?>> subcommands();

    /** The command line of {@code root} with the subcommands {@code args} select built in full. */
    static CommandLine build(CommandGroup root, String... args) {
        CommandLine line = new CommandLine(root);
        attach(line, List.of(args));
        return line;
    }

    private static void attach(CommandLine line, List<String> args) {
        if (!(line.getCommand() instanceof CommandGroup group)) {
            return;
        }
        int at = firstName(args, 0);
        if (at >= 0 && args.get(at).equals("help")) {
            at = firstName(args, at + 1);
        }
        String selected = at < 0 ? null : args.get(at);
        for (Class<?> type : group.subcommands()) {
            Command command = type.getAnnotation(Command.class);
            if (command == null) {
                throw new IllegalStateException(type.getName() + " is listed as a subcommand of "
                        + line.getCommandName() + " but has no @Command annotation");
            }
            String name = command.name();
            if (name.equals(selected) || type == CommandLine.HelpCommand.class) {
                line.addSubcommand(name, type);
                if (name.equals(selected)) {
                    attach(line.getSubcommands().get(name), args.subList(at + 1, args.size()));
                }
            } else {
                CommandSpec outline = CommandSpec.create().name(name);
                outline.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
                line.addSubcommand(name, outline);
            }
        }
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
