package dev.kairos.bench;

import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A runtime shared by one benchmark's threads: one CPU processor (as Realm's {@code -ll:cpu 1}),
 * 1 GiB of SYSTEM memory, CUDA off, and an empty task.
 */
@State(Scope.Benchmark)
public class KairosState {
    public Kairos kairos;
    public Processor cpu;
    public Memory sys;
    public TaskId<Object> empty;

    @Setup(Level.Trial)
    public void start() {
        kairos = startRuntime();
        cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        empty = kairos.registerTask("empty", Object.class, TaskVariant.on(ProcessorKind.CPU, (ctx, args) -> {}));
    }

    @TearDown(Level.Trial)
    public void stop() {
        kairos.close();
    }

    /**
     * The runtime every benchmark uses. A state that must clean up in the runtime before it closes
     * (destroy its instances) starts its own: JMH does not order the tear-downs of dependent states.
     */
    static Kairos startRuntime() {
        return Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(1L << 30).cuda(CudaMode.OFF).build());
    }
}
