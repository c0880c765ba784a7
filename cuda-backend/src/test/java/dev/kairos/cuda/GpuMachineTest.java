package dev.kairos.cuda;

import dev.kairos.Kairos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a real GPU: the processors, memories, affinities and copy paths the backend finds. */
@Tag("gpu")
@Timeout(60)
class GpuMachineTest {

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    @Test
    void everyGpuHasAProcessorAFramebufferAndReachesZeroCopyMemory() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            int gpus = kairos.machine().processors().kind(dev.kairos.ProcessorKind.GPU).count();
            org.assertj.core.api.Assertions.assertThat(gpus).isPositive();
            MachineScenario.check(kairos, gpus);
        }
    }
}
