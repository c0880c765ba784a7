package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskVariant;
import dev.kairos.cuda.CudaTaskContext;
import dev.kairos.cuda.FieldPointer;
import dev.kairos.kernels.Kernels;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.DeferredAllocation.Tasks;
import dev.kairos.tutorials.GpuVariants;
import dev.kairos.tutorials.TutorialRun;
import dev.kairos.tutorials.VerificationException;
import java.util.List;

/** Realm's deferred-allocation tutorial with its GPU variants, checked the same way over the test double and on a GPU. */
final class TutorialScenario {
    private TutorialScenario() {}

    static Tasks gpuAndCpuTasks(Kairos kairos) {
        return DeferredAllocation.register(kairos);
    }

    /** Every batch written and verified on the GPU, in {@code memory}. */
    static TutorialRun.Result runOnGpu(Kairos kairos, Tasks tasks, MemoryKind memory, long batches, long batchBytes, int blockSize) {
        return runOnGpu(kairos, tasks, memory, batches, batchBytes, blockSize, false);
    }

    /**
     * Every batch written on the GPU in {@code memory}, and verified there or, with
     * {@code verifyOnCpu}, by the CPU reader on a copy in SYSTEM memory (independent code).
     */
    static TutorialRun.Result runOnGpu(Kairos kairos, Tasks tasks, MemoryKind memory, long batches, long batchBytes,
            int blockSize, boolean verifyOnCpu) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Memory target = kairos.machine().memories().kind(memory).first().orElseThrow();
        DeferredAllocation.Verification verification = null;
        if (verifyOnCpu) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            verification = new DeferredAllocation.Verification(cpu, sys);
        }
        Plan plan = new Plan(gpu, target, batches, batchBytes, blockSize, false, verification);
        TutorialRun.Result result = TutorialRun.run(kairos, tasks, plan, n -> {});
        assertThat(result.firstFailure()).isEmpty();
        assertThat(result.verified()).isEqualTo(batches);
        assertThat(target.used()).isZero();
        return result;
    }

    /** The GPU writes ZERO_COPY instances; the CPU reader checks them through their accessors. */
    static void gpuWritesCpuReads(Kairos kairos, long batches, long batchBytes) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        Memory zc = kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        Tasks tasks = gpuAndCpuTasks(kairos);
        var bounds = DeferredAllocation.bounds(batchBytes);
        dev.kairos.Event prev = dev.kairos.Event.NO_EVENT;
        for (long i = 0; i < batches; i++) {
            var inst = dev.kairos.RegionInstance.create(zc, bounds, DeferredAllocation.FIELD_SIZES, (int) (i % 2), prev);
            Batch batch = new Batch(i, inst, bounds);
            prev = cpu.spawn(tasks.reader(), batch, gpu.spawn(tasks.writer(), batch, inst.ready()));
            inst.destroy(prev);
        }
        prev.await();
    }

    /**
     * A GPU writer that writes field 101 with the wrong {@code add}: the GPU reader must fail the
     * batch naming field 101, its first point, the expected and the found element.
     */
    static VerificationException wrongValueIsReported(Kairos kairos, long batchBytes) {
        Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
        Tasks tasks = DeferredAllocation.register(kairos,
                List.of(TaskVariant.on(ProcessorKind.GPU, (ctx, b) -> {
                    CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
                    FieldPointer f1 = cuda.devicePointer(b.instance(), DeferredAllocation.FIELD_INT_FLOAT);
                    FieldPointer f2 = cuda.devicePointer(b.instance(), DeferredAllocation.FIELD_LONG_DOUBLE);
                    long lo = b.bounds().lo();
                    long n = b.bounds().volume();
                    cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 16, 256, f1.at(lo), lo, n, f1.stride(), 2);
                    cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_LONG_DOUBLE, 16, 256, f2.at(lo), lo, n, f2.stride(), 2L);
                })),
                List.of(GpuVariants.reader()));
        Plan plan = new Plan(gpu, fb, 1, batchBytes, 1, false);
        TutorialRun.Result result = TutorialRun.run(kairos, tasks, plan, n -> {});
        assertThat(result.failed()).isEqualTo(1);
        Throwable failure = result.firstFailure().orElseThrow();
        assertThat(failure).isInstanceOf(VerificationException.class)
                .hasMessage("batch 1, field 101, point 0: expected {x=1, y=2.0}, found {x=2, y=3.0}");
        return (VerificationException) failure;
    }
}
