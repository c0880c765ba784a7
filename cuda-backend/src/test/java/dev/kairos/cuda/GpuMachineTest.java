package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.MemoryKind;
import dev.kairos.ProcessorKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a CUDA device (a GPU, or the software driver the build runs these on too): the processors, memories, affinities and copy paths the backend finds, and ZERO_COPY memory of any size. */
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
            int gpus = kairos.machine().processors().kind(ProcessorKind.GPU).count();
            assertThat(gpus).isPositive();
            MachineScenario.check(kairos, gpus);
        }
    }

    @Test
    void zeroCopyMemoryOfMoreThanTwoGibibytesIsReachedByGpuAndCpuTasks() {
        long bytes = (2L << 30) + (64L << 20);
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().zeroCopyMemory(bytes).build())) {
            assertThat(kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow().capacity()).isEqualTo(bytes);
            TaskScenario.gpuWritesZeroCopyPastTwoGibibytes(kairos);
        }
    }
}
