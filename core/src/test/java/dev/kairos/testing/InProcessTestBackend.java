package dev.kairos.testing;

import dev.kairos.Affinity;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.spi.Backend;
import dev.kairos.spi.HostCopyEngine;
import dev.kairos.spi.MachineBuilder;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorDriver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A test double of a backend, so that core's own tests run a real runtime without depending on a
 * backend module: CPU processors with the default driver and a SYSTEM memory of the configured size
 * over an {@link Arena}, with core's host copy engine. Not a CPU backend; the real one is
 * kairos-cpu.
 */
public final class InProcessTestBackend implements Backend {
    private Arena arena;

    /** A runtime on this backend alone. */
    public static Kairos start(KairosConfig config) {
        return Kairos.start(config, List.of(new InProcessTestBackend()));
    }

    /** One CPU processor and {@code systemMemory} bytes. */
    public static Kairos start(long systemMemory) {
        return start(KairosConfig.builder().cpuProcessors(1).systemMemory(systemMemory).build());
    }

    @Override
    public String name() {
        return "in-process-test";
    }

    @Override
    public Probe probe(KairosConfig config) {
        return Probe.available("test double: " + config.cpuProcessors() + " CPU processor(s)");
    }

    @Override
    public void start(MachineBuilder machine) {
        KairosConfig config = machine.config();
        arena = Arena.ofShared();
        MemorySegment bytes = arena.allocate(Math.max(1, config.systemMemory()), 64);
        Memory sys = machine.addMemory(MemoryKind.SYSTEM, "sys", new MemoryStorage(config.systemMemory(), 64, bytes, 0));
        Affinity affinity = new Affinity(1000, 100);
        machine.addCopyPath(sys, sys, affinity, new HostCopyEngine());
        for (int i = 0; i < config.cpuProcessors(); i++) {
            Processor p = machine.addProcessor(ProcessorKind.CPU, "cpu" + i, new ProcessorDriver() {});
            machine.addAffinity(p, sys, affinity);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
