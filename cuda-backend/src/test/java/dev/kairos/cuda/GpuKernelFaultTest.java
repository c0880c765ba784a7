package dev.kairos.cuda;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kairos.Kairos;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a CUDA device (a GPU, or the software driver the build runs these on too): a kernel planted to write to a bogus address. CUDA keeps the resulting sticky error
 * for the life of the process, so this class is tagged {@code gpu-isolated} and runs in a JVM of its
 * own (Surefire's second execution; the bundle's second launcher run).
 */
@Tag("gpu")
@Tag("gpu-isolated")
@Timeout(120)
class GpuKernelFaultTest {

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    @Test
    void aPlantedKernelFaultPoisonsExactlyTheRightEventsAndTheRuntimeCloses() {
        Kairos kairos = Gpus.startReal(Gpus.smallConfig().build());
        try {
            TaskScenario.plantedFault(kairos);
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(30), kairos::close, "close after a sticky error");
        }
    }
}
