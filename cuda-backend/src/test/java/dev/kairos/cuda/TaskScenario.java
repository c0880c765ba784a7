package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.PoisonedEventException;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GPU tasks that launch the tutorial's kernels through {@link CudaTaskContext}, checked the same
 * way over the test double and on a GPU: a GPU writer and a CPU reader of ZERO_COPY memory, a
 * kernel and a device copy timed with CUDA events, and a planted kernel fault.
 */
final class TaskScenario {
    static final int FIELD = 101;
    static final Map<Integer, Long> FIELDS = Map.of(FIELD, 8L, 102, 16L);
    /** An address no allocation holds: a kernel that writes there faults. */
    static final long BOGUS_ADDRESS = 0x10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Arguments of the update task: the instance, and an address to write instead of its field (0: none). */
    record Update(RegionInstance instance, long bogusAddress) {}

    private TaskScenario() {}

    static TaskId<Update> registerUpdate(Kairos kairos) {
        return kairos.registerTask("update", Update.class, TaskVariant.on(ProcessorKind.GPU, (ctx, u) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            FieldPointer f = cuda.devicePointer(u.instance(), FIELD);
            long count = u.instance().layout().bounds().volume();
            Object base = u.bogusAddress() == 0 ? f : u.bogusAddress();
            cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 64, 256, base, f.lo(), count, f.stride(), 1);
        }));
    }

    /** A GPU task writes an instance in ZERO_COPY memory; a CPU task reads it through its accessor. */
    static void gpuWritesZeroCopyAndCpuReads(Kairos kairos) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        Memory zc = kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        TaskId<Update> update = registerUpdate(kairos);
        AtomicInteger checked = new AtomicInteger();
        TaskId<RegionInstance> read = kairos.registerTask("read", RegionInstance.class, TaskVariant.on(ProcessorKind.CPU, (ctx, inst) -> {
            var a = inst.accessor(FIELD);
            MemorySegment s = a.segment();
            for (long p = inst.layout().bounds().lo(); p <= inst.layout().bounds().hi(); p++) {
                assertThat(s.get(ValueLayout.JAVA_INT_UNALIGNED, a.offset(p))).isEqualTo((int) (p + 1));
                assertThat(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, a.offset(p) + 4)).isEqualTo((float) (p + 2));
                checked.incrementAndGet();
            }
        }));
        for (int layout : new int[] {0, 1}) {
            checked.set(0);
            RegionInstance inst = RegionInstance.create(zc, Rect.of(-50, 20_000), FIELDS, layout, Event.NO_EVENT);
            Event written = gpu.spawn(update, new Update(inst, 0), inst.ready());
            Event done = cpu.spawn(read, inst, written);
            inst.destroy(done);
            done.await();
            assertThat(checked.get()).isEqualTo(20_051);
        }
    }

    /**
     * ZERO_COPY memory past its first 2 GiB: an instance placed behind a 2 GiB one is written by a GPU
     * task and read by a CPU task, so both reach pinned bytes beyond what a Java buffer can span.
     */
    static void gpuWritesZeroCopyPastTwoGibibytes(Kairos kairos) {
        Memory zc = kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        long twoGibibytes = 2L << 30;
        RegionInstance filler = RegionInstance.create(zc, Rect.of(0, twoGibibytes - 1), Map.of(1, 1L), 0, Event.NO_EVENT);
        filler.ready().await();
        RegionInstance inst = RegionInstance.create(zc, Rect.of(0, 9_999), FIELDS, 1, Event.NO_EVENT);
        inst.ready().await();
        assertThat(dev.kairos.spi.InstanceStorage.of(inst).offset()).as("offset in the memory").isGreaterThanOrEqualTo(twoGibibytes);
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        gpu.spawn(registerUpdate(kairos), new Update(inst, 0), Event.NO_EVENT).await();
        var a = inst.accessor(FIELD);
        for (long p = 0; p <= 9_999; p++) {
            assertThat(a.segment().get(ValueLayout.JAVA_INT_UNALIGNED, a.offset(p))).as("x of point %d", p).isEqualTo((int) (p + 1));
            assertThat(a.segment().get(ValueLayout.JAVA_FLOAT_UNALIGNED, a.offset(p) + 4)).as("y of point %d", p).isEqualTo(p + 2f);
        }
        inst.destroy().await();
        filler.destroy().await();
    }

    /**
     * A GPU task copies a field of a ZERO_COPY instance into a scratch buffer in device memory, and
     * from there into a field of another ZERO_COPY instance ({@link CudaTaskContext#copy}: either side
     * may be pinned host memory); a CPU task finds the bytes it wrote in the first.
     */
    static void gpuCopiesBetweenZeroCopyAndDeviceMemory(Kairos kairos) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Memory zc = kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        Rect bounds = Rect.of(0, 4_999);
        RegionInstance from = RegionInstance.create(zc, bounds, FIELDS, 0, Event.NO_EVENT);
        RegionInstance to = RegionInstance.create(zc, bounds, FIELDS, 0, Event.NO_EVENT);
        from.ready().await();
        to.ready().await();
        var source = from.accessor(FIELD);
        for (long p = bounds.lo(); p <= bounds.hi(); p++) {
            source.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, source.offset(p), p * 0x9E3779B97F4A7C15L);
        }
        long bytes = bounds.volume() * 8;
        TaskId<RegionInstance> copy = kairos.registerTask("copy-through-device", RegionInstance.class,
                TaskVariant.on(ProcessorKind.GPU, (ctx, unused) -> {
                    CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
                    try (DeviceBuffer buffer = cuda.allocate(bytes)) {
                        cuda.copy(cuda.devicePointer(from, FIELD).address(), buffer.address(), bytes);
                        cuda.copy(buffer.address(), cuda.devicePointer(to, FIELD).address(), bytes);
                    }
                }));
        gpu.spawn(copy, from, Event.NO_EVENT).await();
        var copied = to.accessor(FIELD);
        for (long p = bounds.lo(); p <= bounds.hi(); p++) {
            assertThat(copied.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, copied.offset(p))).as("point %d", p)
                    .isEqualTo(p * 0x9E3779B97F4A7C15L);
        }
        from.destroy().await();
        to.destroy().await();
    }

    /** What {@link #timedKernelAndCopy} measured: the device time of the kernel and of the copy. */
    record Timings(Duration kernel, Duration copy) {}

    /**
     * A GPU task times the update kernel over field {@value #FIELD} of a GPU_FB instance, then a
     * device copy of the field's bytes to a scratch buffer, and reads the copy back: it holds what
     * the kernel wrote.
     */
    static Timings timedKernelAndCopy(Kairos kairos) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
        RegionInstance inst = RegionInstance.create(fb, Rect.of(0, 9_999), FIELDS, 0, Event.NO_EVENT);
        AtomicReference<Timings> timings = new AtomicReference<>();
        AtomicReference<byte[]> copied = new AtomicReference<>();
        TaskId<RegionInstance> timed = kairos.registerTask("timed", RegionInstance.class, TaskVariant.on(ProcessorKind.GPU, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            FieldPointer f = cuda.devicePointer(i, FIELD);
            long count = i.layout().bounds().volume();
            Duration kernel = cuda.time(() -> cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 64, 256, f, f.lo(), count,
                    f.stride(), 1));
            long bytes = count * f.stride();
            try (DeviceBuffer copy = cuda.allocate(bytes)) {
                Duration copying = cuda.time(() -> cuda.copy(f.address(), copy.address(), bytes));
                copied.set(cuda.read(copy.address(), (int) bytes));
                timings.set(new Timings(kernel, copying));
            }
        }));
        gpu.spawn(timed, inst, inst.ready()).await();
        inst.destroy().await();
        ByteBuffer bytes = ByteBuffer.wrap(copied.get()).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < 10_000; p++) {
            assertThat(bytes.getInt(8 * p)).as("x of point %d", p).isEqualTo(p + 1);
            assertThat(bytes.getFloat(8 * p + 4)).as("y of point %d", p).isEqualTo(p + 2f);
        }
        return timings.get();
    }

    /**
     * A kernel writing to a bogus address poisons its own task with the CUDA error and the kernel's
     * name, and the GPU's later work; the task before it completed, CPU work goes on, and the runtime
     * closes. CUDA keeps such an error for the life of the process: run this in a JVM of its own.
     */
    static void plantedFault(Kairos kairos) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        TaskId<Update> update = registerUpdate(kairos);
        AtomicInteger cpuRuns = new AtomicInteger();
        TaskId<Integer> count = kairos.registerTask("count", Integer.class,
                TaskVariant.on(ProcessorKind.CPU, (ctx, n) -> cpuRuns.addAndGet(n)));
        RegionInstance inst = RegionInstance.create(fb, Rect.of(0, 9_999), FIELDS, 1, Event.NO_EVENT);
        inst.ready().await();

        Event before = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        before.await();
        Event faulty = gpu.spawn(update, new Update(inst, BOGUS_ADDRESS), Event.NO_EVENT);
        Event after = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(Event.mergeIgnoringFaults(List.of(faulty, after)).await(WAIT)).isEqualTo(Event.Status.TRIGGERED);

        assertThat(before.isPoisoned()).isFalse();
        Throwable fault = faulty.failure().orElseThrow();
        assertThat(fault).isInstanceOf(CudaException.class).hasMessageContaining("task update on gpu")
                .hasMessageContaining("update_int_float").hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(((CudaException) fault).errorName()).isEqualTo("CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(after.failure()).get().asString().contains("CUDA_ERROR_ILLEGAL_ADDRESS");

        Event cpuWork = cpu.spawn(count, 1, Event.NO_EVENT);
        cpuWork.await();
        assertThat(cpuRuns.get()).isEqualTo(1);
        Event later = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(later.await(WAIT)).isEqualTo(Event.Status.POISONED);
        assertThat(later.failure()).get().isInstanceOf(GpuFailedException.class).asString().contains("out of service")
                .contains("CUDA_ERROR_ILLEGAL_ADDRESS");
        RegionInstance host = RegionInstance.create(sys, Rect.of(0, 9_999), FIELDS, 1, Event.NO_EVENT);
        Event toGpu = Rect.of(0, 9_999).copy(List.of(CopyField.of(host, FIELD)), List.of(CopyField.of(inst, FIELD)),
                ProfilingRequestSet.NONE, Event.NO_EVENT);
        assertThatThrownBy(toGpu::await).isInstanceOf(PoisonedEventException.class).hasRootCauseInstanceOf(CudaException.class);
        RegionInstance host2 = RegionInstance.create(sys, Rect.of(0, 9_999), FIELDS, 1, Event.NO_EVENT);
        Rect.of(0, 9_999).copy(List.of(CopyField.of(host, FIELD)), List.of(CopyField.of(host2, FIELD)),
                ProfilingRequestSet.NONE, Event.NO_EVENT).await();
        inst.destroy();
        host.destroy();
        host2.destroy();
    }
}
