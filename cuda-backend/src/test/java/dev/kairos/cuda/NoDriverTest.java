package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.spi.Backend.Probe;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real backend, over JCuda, on a machine without an NVIDIA driver (CI): the probe's reason is the
 * loader's, and REQUIRED fails start with it. Skipped, saying so, where a driver is installed.
 */
class NoDriverTest {
    private static final KairosConfig AUTO = KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20).build();

    private static Probe probeWithoutDriver() {
        Probe probe = new CudaBackend().probe(AUTO);
        assumeTrue(!probe.available() && probe.detail().startsWith("JCuda could not load the CUDA driver"),
                () -> "this machine has a CUDA driver; its probe says: " + probe.detail());
        return probe;
    }

    @Test
    void withoutADriverTheProbeSaysWhichLibraryIsMissing() {
        Probe first = probeWithoutDriver();
        assertThat(first.detail()).contains("libcuda.so.1").doesNotContain("\n");
        // Every later touch of JCuda is a NoClassDefFoundError; the reason stays the same.
        assertThat(new CudaBackend().probe(AUTO).detail()).isEqualTo(first.detail());
    }

    @Test
    void requiredWithoutADriverFailsStartWithTheProbesReason() {
        Probe probe = probeWithoutDriver();
        assertThatThrownBy(() -> Kairos.start(AUTO.toBuilder().cuda(CudaMode.REQUIRED).build()))
                .isInstanceOf(KairosException.class)
                .hasMessageContaining("cuda is required by the configuration but unavailable")
                .hasMessageContaining("JCuda could not load the CUDA driver: the dynamic loader says libcuda.so.1: ");
    }

    /** Where the run ends anyway, the loader's own words are worth two downcalls; a run that goes on never pays them. */
    @Test
    void requiredWithoutADriverAlsoGivesTheLoadersOwnReason() {
        Probe auto = probeWithoutDriver();
        assertThat(auto.detail()).doesNotContain("dynamic loader says");
        Probe required = new CudaBackend().probe(AUTO.toBuilder().cuda(CudaMode.REQUIRED).build());
        assertThat(required.detail()).isEqualTo("JCuda could not load the CUDA driver: the dynamic loader says libcuda.so.1: cannot"
                + " open shared object file: No such file or directory (it looks in LD_LIBRARY_PATH, then the ld.so cache);"
                + " is the NVIDIA driver installed?");
    }

    @Test
    void autoWithoutADriverStartsWithoutGpusAndRecordsWhy() {
        Probe probe = probeWithoutDriver();
        try (Kairos kairos = Kairos.start(AUTO, List.of(new CudaBackend()))) {
            assertThat(kairos.machine().backends()).anySatisfy(status -> {
                assertThat(status.name()).isEqualTo("cuda");
                assertThat(status.available()).isFalse();
                assertThat(status.detail()).isEqualTo(probe.detail());
            });
        }
    }
}
