package dev.kairos.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code help [COMMAND...]}: picocli's {@link CommandLine.HelpCommand}, but a command of a group
 * follows the group's name, {@code kairos help bench tasks}, where picocli's reads one name and
 * shows that command's usage whatever follows it.
 */
@Command(name = "help", header = Specs.HELP_COMMAND_HEADER, synopsisHeading = "%nUsage: ", helpCommand = true,
        description = {"%nWhen no COMMAND is given, the usage help for the main command is displayed.",
            "If a COMMAND is specified, the help for that command is shown; a command of a group follows the group's name "
                    + "(help bench tasks).%n"})
final class NestedHelpCommand implements IHelpCommandInitializable2, Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, descriptionKey = "helpCommand.help",
            description = "Show usage help for the help command and exit.")
    private boolean helpRequested;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", descriptionKey = "helpCommand.command",
            description = "The COMMAND to display the usage help message for, after the names of the groups it is in.")
    private List<String> commands = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colorScheme;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colorScheme = colorScheme;
        this.out = out;
    }

    @Override
    public Integer call() {
        CommandLine command = self.getParent();
        for (String name : commands) {
            CommandLine sub = command.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(command, "Unknown subcommand '" + name + "'.", null, name);
            }
            command = sub;
        }
        command.usage(out, colorScheme);
        return command.getCommandSpec().exitCodeOnUsageHelp();
    }
}
