package dev.kairos.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kairos run}: the tutorial programs; its model is built in code ({@link Specs}). */
final class RunCommand implements CommandGroup {
    @Override
    public List<Subcommand> subcommands() {
        return List.of(Subcommand.coded(DeferredAllocationCommand::spec), HELP);
    }

    /** The group's model, around a fresh group; {@link CommandGroup#build} adds the subcommands. */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new RunCommand()).name("run");
        spec.usageMessage().description("Runs a tutorial program on the runtime.");
        Specs.addStandardHelpOptions(spec);
        return spec;
    }
}
