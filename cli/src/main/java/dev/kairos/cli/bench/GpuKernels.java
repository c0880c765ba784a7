package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskContext;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.cuda.CudaTaskContext;
import dev.kairos.cuda.DeviceBuffer;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.GpuVariants;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The bandwidth benchmark on a GPU: the tutorial's GPU writer and reader ({@link GpuVariants#write},
 * {@link GpuVariants#verify}) and a device-to-device copy, each as one task on the GPU and timed on
 * the device with CUDA events around its kernels or its copy ({@link CudaTaskContext#time}): task
 * start-up, the reader's counters and completion tracking are not in the figures; the device's wait
 * for the first launch on its idle stream is.
 */
record GpuKernels(Processor proc, TaskId<Timed> writerTask, TaskId<Timed> readerTask, TaskId<Timed> copyTask)
        implements BandwidthBench.Kernels {

    /** A task's argument, and the device time its body measured. */
    static final class Timed {
        final Batch batch;
        /** What the copy moves from the start of the instance; the writer and reader cover the batch. */
        final long copyBytes;
        volatile Duration took;

        Timed(Batch batch, long copyBytes) {
            this.batch = batch;
            this.copyBytes = copyBytes;
        }
    }

    static GpuKernels register(Kairos kairos, Processor proc) {
        return new GpuKernels(proc,
                kairos.registerTask("writer", Timed.class,
                        TaskVariant.on(ProcessorKind.GPU, (ctx, t) -> GpuVariants.write(ctx, t.batch, timing(ctx, t)))),
                kairos.registerTask("reader", Timed.class,
                        TaskVariant.on(ProcessorKind.GPU, (ctx, t) -> GpuVariants.verify(ctx, t.batch, timing(ctx, t)))),
                kairos.registerTask("plain-copy", Timed.class, TaskVariant.on(ProcessorKind.GPU, GpuKernels::copy)));
    }

    /** Runs the launches it is handed inside {@link CudaTaskContext#time} and keeps the time in {@code t}. */
    private static Consumer<Runnable> timing(TaskContext ctx, Timed t) {
        CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
        return launches -> t.took = cuda.time(launches);
    }

    /** The copy task's body: field 101 comes first in both layouts, so its address is the instance's first byte. */
    private static void copy(TaskContext ctx, Timed t) {
        CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
        long source = cuda.devicePointer(t.batch.instance(), DeferredAllocation.FIELD_INT_FLOAT).address();
        try (DeviceBuffer destination = cuda.allocate(t.copyBytes)) {
            t.took = cuda.time(() -> cuda.copy(source, destination.address(), t.copyBytes));
        }
    }

    @Override
    public long writer(Batch batch) {
        return timed(writerTask, new Timed(batch, 0));
    }

    @Override
    public long reader(Batch batch) {
        return timed(readerTask, new Timed(batch, 0));
    }

    /**
     * Into a scratch buffer the copy task allocates, outside the timed copy.
     *
     * @throws IllegalStateException if the instance is not in GPU_FB memory: a device-to-device copy
     *     needs the instance in the device's own memory
     */
    @Override
    public Copy copyOf(Batch batch, long bytes) {
        if (batch.instance().memory().kind() != MemoryKind.GPU_FB) {
            throw new IllegalStateException("the instance is in " + batch.instance().memory() + "; on a GPU the plain copy is "
                    + "device to device, so the instance must be in GPU_FB memory (--memory gpu-fb or auto)");
        }
        return () -> timed(copyTask, new Timed(batch, bytes));
    }

    @Override
    public double targetPercent() {
        return 85;
    }

    @Override
    public String timing() {
        return "times on the device, by CUDA events around each task's kernels or copy";
    }

    private long timed(TaskId<Timed> task, Timed t) {
        proc.spawn(task, t).await();
        if (t.took == null) {
            throw new IllegalStateException(proc + " ran a task of the bandwidth benchmark without timing its work");
        }
        return t.took.toNanos();
    }
}
