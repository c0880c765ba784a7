package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskVariant;
import dev.kairos.cpu.CpuBackend;
import dev.kairos.cuda.CudaBackend;
import dev.kairos.cuda.Gpus;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.DeferredAllocation.Tasks;
import dev.kairos.tutorials.GpuVariants;
import dev.kairos.tutorials.Stop;
import dev.kairos.tutorials.TutorialRun;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On a CUDA device (a GPU, or the software driver the build runs these on too): Realm's deferred-allocation tutorial with its GPU writer and reader. */
@Tag("gpu")
@Timeout(300)
class GpuTutorialTest {
    private static final Logger log = LoggerFactory.getLogger(GpuTutorialTest.class);

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    private static Kairos start() {
        KairosConfig config = Gpus.smallConfig().build();
        return Kairos.start(config, List.of(new CpuBackend(), new CudaBackend()));
    }

    @ParameterizedTest(name = "{0} batches, block size {1}, verified on the CPU: {2}")
    @CsvSource({"2, 1, false", "2, 0, false", "1000, 1, false", "1000, 0, false",
        "2, 1, true", "2, 0, true", "1000, 1, true", "1000, 0, true"})
    void theTutorialRunsOnGpuFramebufferVerifiedOnTheGpuAndOnTheCpu(long batches, int blockSize, boolean verifyOnCpu) {
        try (Kairos kairos = start()) {
            TutorialRun.Result result = TutorialScenario.runOnGpu(kairos, TutorialScenario.gpuAndCpuTasks(kairos), MemoryKind.GPU_FB, batches,
                    DeferredAllocation.DEFAULT_BATCH_BYTES, blockSize, verifyOnCpu);
            double seconds = result.ran().toNanos() / 1e9;
            log.info("tutorial on GPU_FB: batches={} blockSize={} verifyOnCpu={} ran={} s ({} batches/s)", batches, blockSize,
                    verifyOnCpu, String.format("%.3f", seconds), String.format("%.0f", batches / seconds));
            assertThat(result.allVerified()).isTrue();
        }
    }

    @Test
    void gpuWrittenZeroCopyInstancesVerifyOnTheCpu() {
        try (Kairos kairos = start()) {
            TutorialScenario.gpuWritesCpuReads(kairos, 20, DeferredAllocation.DEFAULT_BATCH_BYTES);
        }
    }

    /**
     * Ctrl-C during a GPU run: the GPU writer checks the stop as the CPU one does, so the batches
     * already written finish, verified, the rest never run, and the framebuffer ends empty. Here the
     * writer of batch 5 asks for the stop once its kernels are launched.
     */
    @Test
    void aStopEndsAGpuRunOnceTheBatchesWrittenHaveFinishedAndRunsNoMore() {
        try (Kairos kairos = start()) {
            Stop stop = new Stop();
            TaskVariant<Batch> gpuWriter = GpuVariants.writer();
            TaskVariant<Batch> writer = TaskVariant.on(ProcessorKind.GPU, (ctx, batch) -> {
                gpuWriter.body().run(ctx, batch);
                if (batch.number() == 5) {
                    stop.request();
                }
            });
            Tasks tasks = DeferredAllocation.register(kairos, List.of(writer), List.of(GpuVariants.reader()), stop);
            Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
            Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
            Plan plan = new Plan(gpu, fb, 100_000, 64 << 10, 1, false);
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan, done -> {}, 8, stop);
            assertThat(r.stopped()).isTrue();
            assertThat(r.verified()).isEqualTo(5);
            assertThat(r.failed()).isZero();
            assertThat(r.cancelled()).isZero();
            assertThat(r.notRun()).isEqualTo(100_000 - 5);
            assertThat(r.firstFailure()).isEmpty();
            assertThat(fb.used()).isZero();
        }
    }

    /** A stop asked for before the run (Ctrl-C at its start): the GPU writer runs no kernel at all. */
    @Test
    void aStopRequestedBeforeAGpuRunRunsNoBatch() {
        try (Kairos kairos = start()) {
            Stop stop = new Stop();
            stop.request();
            Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
            Memory fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
            Plan plan = new Plan(gpu, fb, 10, DeferredAllocation.DEFAULT_BATCH_BYTES, 1, false);
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos, stop), plan, done -> {}, stop);
            assertThat(r.stopped()).isTrue();
            assertThat(r.verified()).isZero();
            assertThat(r.failed()).isZero();
            assertThat(r.notRun()).isEqualTo(10);
            assertThat(fb.used()).isZero();
        }
    }

    @Test
    void aWrongValueIsReportedWithTheElementFetchedFromTheDevice() {
        try (Kairos kairos = start()) {
            TutorialScenario.wrongValueIsReported(kairos, DeferredAllocation.DEFAULT_BATCH_BYTES);
        }
    }
}
