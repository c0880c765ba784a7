package dev.kairos.cpu;

import dev.kairos.Affinity;
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
    private Memory sys;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Probe probe(KairosConfig config) {
        return Probe.available(config.cpuProcessors() + " CPU processor(s), " + config.systemMemory() + " bytes of SYSTEM memory");
    }

    @Override
    public void createMemories(MemoryPhase machine) {
        long bytes = machine.config().systemMemory();
        systemMemory = NativeHostMemory.allocate(bytes, CACHE_LINE, "SYSTEM memory (KairosConfig systemMemory)");
        sys = machine.addMemory(MemoryKind.SYSTEM, "sys", new MemoryStorage(bytes, CACHE_LINE, systemMemory.segment(), 0));
    }

    @Override
    public void createProcessors(ProcessorPhase machine) {
        ProcessorDriver driver = new ProcessorDriver() {
            // No state is bound to a CPU worker's thread: a virtual thread lets a body blocked in
            // Event.await give up its carrier instead of holding a platform thread until it resumes.
            @Override
            public Thread newWorkerThread(String name, Runnable worker) {
                return Thread.ofVirtual().name(name).unstarted(worker);
            }
        };
        for (int i = 0; i < machine.config().cpuProcessors(); i++) {
            machine.addProcessor(ProcessorKind.CPU, "cpu" + i, driver);
        }
    }

    @Override
    public void connect(ConnectPhase machine) {
        machine.addCopyPath(sys, sys, HOST_AFFINITY, new HostCopyEngine());
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
        sys = null;
    }
}
