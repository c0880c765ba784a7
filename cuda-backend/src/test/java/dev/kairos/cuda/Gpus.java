package dev.kairos.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.spi.Backend;
import dev.kairos.testing.InProcessTestBackend;
import java.util.List;

/**
 * What the tests of the CUDA backend start from: a small configuration, a CUDA driver (tests tagged
 * {@code gpu}: a GPU's, or the software driver of {@code cuda-backend/software-driver} that the
 * build runs them on too; skipped with the probe's reason where there is none) or the test double.
 */
public final class Gpus {
    private Gpus() {}

    /** One CPU processor and small memories: 32 MiB of GPU_FB per GPU, 16 MiB of ZERO_COPY. */
    public static KairosConfig.Builder smallConfig() {
        return KairosConfig.builder().cpuProcessors(1).systemMemory(64L << 20).gpuFramebufferMemory(32L << 20)
                .zeroCopyMemory(16L << 20).cuda(CudaMode.REQUIRED);
    }

    /** Skips the calling test, with the probe's reason, unless this process has a usable CUDA device. */
    public static void assumeUsable() {
        Backend.Probe probe = new CudaBackend().probe(smallConfig().cuda(CudaMode.AUTO).build());
        assumeTrue(probe.available(), () -> "no usable GPU here: " + probe.detail());
    }

    /** A runtime with the CUDA backend over JCuda beside the in-process CPU test backend. */
    public static Kairos startReal(KairosConfig config) {
        return Kairos.start(config, List.of(new InProcessTestBackend(), new CudaBackend()));
    }

    /** The CUDA backend over the test double {@code driver}: no GPU involved. */
    public static Backend fakeBackend(FakeCudaDriver driver) {
        return new CudaBackend(() -> driver);
    }

    /** A runtime with the CUDA backend over the test double, beside the in-process CPU test backend. */
    public static Kairos startFake(KairosConfig config, FakeCudaDriver driver) {
        return Kairos.start(config, List.of(new InProcessTestBackend(), fakeBackend(driver)));
    }
}
