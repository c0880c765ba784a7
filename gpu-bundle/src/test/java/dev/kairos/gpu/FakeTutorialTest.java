package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.cpu.CpuBackend;
import dev.kairos.cuda.FakeCudaDriver;
import dev.kairos.cuda.Gpus;
import dev.kairos.kernels.Kernels;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.TutorialRun;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tutorial's GPU variants over the CUDA driver's test double, whose kernels are Java emulations
 * checked against the C signatures: this proves the arguments the variants pass (types, order,
 * addresses, strides), not anything about a GPU.
 */
@Timeout(60)
class FakeTutorialTest {
    private static final long SMALL_BATCH = 24 * 1024;

    private static Kairos start() {
        KairosConfig config = Gpus.smallConfig().build();
        return Kairos.start(config, List.of(new CpuBackend(), Gpus.fakeBackend(FakeCudaDriver.oneGpu())));
    }

    @Test
    void theTutorialRunsOnTheGpuInBothLayouts() {
        try (Kairos kairos = start()) {
            var tasks = TutorialScenario.gpuAndCpuTasks(kairos);
            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.GPU_FB, 2, SMALL_BATCH, 1);
            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.GPU_FB, 40, SMALL_BATCH, 0);
            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.ZERO_COPY, 3, SMALL_BATCH, 1);
        }
    }

    @Test
    void theGpuResultsVerifyOnTheCpuOverCopiesInSystemMemory() {
        try (Kairos kairos = start()) {
            var tasks = TutorialScenario.gpuAndCpuTasks(kairos);
            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.GPU_FB, 5, SMALL_BATCH, 1, true);
            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.GPU_FB, 5, SMALL_BATCH, 0, true);
        }
    }

    @Test
    void theGpuWriterAndTheCpuReaderAgreeOnZeroCopyMemory() {
        try (Kairos kairos = start()) {
            TutorialScenario.gpuWritesCpuReads(kairos, 4, SMALL_BATCH);
        }
    }

    @Test
    void aGpuReaderWhoseVerifyKernelsDoNotRunFailsItsBatch() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu().skipKernels(Kernels.VERIFY_INT_FLOAT, Kernels.VERIFY_LONG_DOUBLE);
        try (Kairos kairos = Kairos.start(Gpus.smallConfig().build(), List.of(new CpuBackend(), Gpus.fakeBackend(driver)))) {
            Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
            Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
            TutorialRun.Result result = TutorialRun.run(kairos, TutorialScenario.gpuAndCpuTasks(kairos),
                    new DeferredAllocation.Plan(gpu, fb, 1, SMALL_BATCH, 1, false), n -> {});
            assertThat(result.verified()).isZero();
            assertThat(result.firstFailure().orElseThrow()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("batch 1, field 101: verify_int_float checked 0 of 1025 points; a check that did not cover"
                            + " the batch verifies nothing");
        }
    }

    @Test
    void aWrongValueIsReportedAsOnTheCpu() {
        try (Kairos kairos = start()) {
            TutorialScenario.wrongValueIsReported(kairos, SMALL_BATCH);
        }
    }
}
