package dev.kairos.cli;

import dev.kairos.Affinity;
import dev.kairos.BackendStatus;
import dev.kairos.Kairos;
import dev.kairos.Machine;
import dev.kairos.Memory;
import dev.kairos.Processor;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kairos machine}; its model is built in code ({@link Specs}). */
final class MachineCommand implements Callable<Integer> {
    final RuntimeOptions runtime = new RuntimeOptions();
    CommandSpec spec;

    /** The command's model, around a fresh command. */
    static CommandSpec spec() {
        MachineCommand c = new MachineCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(c).name("machine");
        spec.usageMessage().description("Starts the runtime and reports what it found: processors, memories (kind, capacity), how "
                + "processors reach memories, copy paths, and one line per backend (what it contributed, or why it is off).", "");
        spec.addMixin("runtime", c.runtime.mixin());
        Specs.addStandardHelpOptions(spec);
        c.spec = spec;
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Kairos kairos = Kairos.start(runtime.config())) {
            print(kairos.machine(), out);
        }
        return 0;
    }

    static void print(Machine machine, PrintWriter out) {
        out.println("Processors");
        for (Processor p : machine.processors().list()) {
            out.printf("  %-14s %s%n", p, p.kind());
        }
        out.println("Memories");
        for (Memory m : machine.memories().list()) {
            out.printf("  %-14s %-10s %s%n", m, m.kind(), Sizes.describe(m.capacity()));
        }
        out.println("Affinities (processor -> memory: nominal bandwidth, latency)");
        for (Processor p : machine.processors().list()) {
            for (Memory m : machine.memories().list()) {
                Affinity a = machine.affinity(p, m);
                if (!a.isEmpty()) {
                    out.printf("  %-14s -> %-14s %s%n", p, m, a);
                }
            }
        }
        out.println("Copy paths (source -> destination)");
        for (Memory s : machine.memories().list()) {
            for (Memory d : machine.memories().list()) {
                Affinity a = machine.affinity(s, d);
                if (!a.isEmpty()) {
                    out.printf("  %-14s -> %-14s %s%n", s, d, a);
                }
            }
        }
        out.println("Backends");
        for (BackendStatus b : machine.backends()) {
            String name = b.name().toUpperCase(Locale.ROOT);
            out.println("  " + name + ": " + (b.available() ? b.detail() : "unavailable — " + b.detail()));
        }
        out.flush();
    }
}
