package dev.kairos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a tutorial program on the runtime.",
        subcommands = {DeferredAllocationCommand.class, CommandLine.HelpCommand.class})
final class RunCommand {}
