package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.MemoryKind;
import dev.kairos.cpu.CpuBackend;
import dev.kairos.cuda.CudaBackend;
import dev.kairos.cuda.Gpus;
import dev.kairos.tutorials.DeferredAllocation;
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

    @Test
    void aWrongValueIsReportedWithTheElementFetchedFromTheDevice() {
        try (Kairos kairos = start()) {
            TutorialScenario.wrongValueIsReported(kairos, DeferredAllocation.DEFAULT_BATCH_BYTES);
        }
    }
}
