package dev.kairos.testing;

import dev.kairos.Affinity;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.spi.Backend;
import dev.kairos.spi.ConnectPhase;
import dev.kairos.spi.HostCopyEngine;
import dev.kairos.spi.MemoryPhase;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorDriver;
import dev.kairos.spi.ProcessorPhase;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A test double of a backend, so that core's own tests run a real runtime without depending on a
 * backend module: CPU processors with the default driver and a SYSTEM memory of the configured size
 * over an {@link Arena}, with core's host copy engine. Not a CPU backend; the real one is
 * kairos-cpu.
 */
public final class InProcessTestBackend implements Backend {
    private Arena arena;
    private Memory sys;
    private final List<Processor> cpus = new ArrayList<>();

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
    public void createMemories(MemoryPhase machine) {
        long bytes = machine.config().systemMemory();
        arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(Math.max(1, bytes), 64);
        sys = machine.addMemory(MemoryKind.SYSTEM, "sys", new MemoryStorage(bytes, 64, segment, 0));
    }

    @Override
    public void createProcessors(ProcessorPhase machine) {
        for (int i = 0; i < machine.config().cpuProcessors(); i++) {
            cpus.add(machine.addProcessor(ProcessorKind.CPU, "cpu" + i, new ProcessorDriver() {}));
        }
    }

    @Override
    public void connect(ConnectPhase machine) {
        Affinity affinity = new Affinity(1000, 100);
        machine.addCopyPath(sys, sys, affinity, new HostCopyEngine());
        for (Processor p : cpus) {
            machine.addAffinity(p, sys, affinity);
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
