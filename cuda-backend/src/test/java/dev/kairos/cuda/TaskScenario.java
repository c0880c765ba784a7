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
