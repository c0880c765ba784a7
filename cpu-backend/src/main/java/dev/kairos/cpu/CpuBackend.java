package dev.kairos.cpu;

import dev.kairos.Affinity;
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

/**
 * CPU processors and SYSTEM memory: one off-heap segment of the configured size, carved by core's
 * allocator, with host copies and fills between and within host memories.
 *
 * <p>A CPU processor's workers are virtual threads: a task body blocked in {@code Event.await}
 * parks its worker without holding a platform thread, so thousands of blocked bodies cost heap,
 * not threads. The price: bodies run on the JVM's virtual-thread carriers (one per core by default)
 * and are not preempted by one another, so with more CPU processors than cores a body that runs
 * long without blocking keeps another processor's ready work waiting until it returns.
 */
public final class CpuBackend implements Backend {
    /** Host memories place instances on cache-line boundaries. */
    static final long CACHE_LINE = 64;
    /** Nominal figures for a CPU reaching host memory; Realm's machine model uses fixed figures too. */
    static final Affinity HOST_AFFINITY = new Affinity(20_000, 100);

    private NativeHostMemory systemMemory;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public Probe probe(KairosConfig config) {
        return Probe.available(config.cpuProcessors() + " CPU processor(s), " + config.systemMemory() + " bytes of SYSTEM memory");
    }

    @Override
    public void start(MachineBuilder machine) {
        KairosConfig config = machine.config();
        systemMemory = NativeHostMemory.allocate(config.systemMemory(), CACHE_LINE, "SYSTEM memory");
        Memory sys = machine.addMemory(MemoryKind.SYSTEM, "sys",
                new MemoryStorage(config.systemMemory(), CACHE_LINE, systemMemory.segment(), 0));
        machine.addCopyPath(sys, sys, HOST_AFFINITY, new HostCopyEngine());
        ProcessorDriver driver = new ProcessorDriver() {
            // No state is bound to a CPU worker's thread: a virtual thread lets a body blocked in
            // Event.await give up its carrier instead of holding a platform thread until it resumes.
            @Override
            public Thread newWorkerThread(String name, Runnable worker) {
                return Thread.ofVirtual().name(name).unstarted(worker);
            }
        };
        for (int i = 0; i < config.cpuProcessors(); i++) {
            machine.addProcessor(ProcessorKind.CPU, "cpu" + i, driver);
        }
        // Utility processors run host copies and may run tasks: they reach host memory as CPUs do.
        for (Processor p : machine.processors()) {
            if (p.kind() != ProcessorKind.GPU) {
                machine.addAffinity(p, sys, HOST_AFFINITY);
            }
        }
    }

    @Override
    public void close() {
        if (systemMemory != null) {
            systemMemory.close();
            systemMemory = null;
        }
    }
}
