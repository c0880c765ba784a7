package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a CUDA device (a GPU, or the software driver the build runs these on too): kernels launched by tasks, ZERO_COPY memory shared by GPU and CPU tasks, and device
 * work timed with CUDA events.
 */
@Tag("gpu")
@Timeout(120)
class GpuTasksTest {

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    @Test
    void aGpuTaskWritesZeroCopyMemoryThatACpuTaskReads() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            TaskScenario.gpuWritesZeroCopyAndCpuReads(kairos);
        }
    }

    @Test
    void aKernelAndADeviceCopyAreTimedOnTheDevice() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            TaskScenario.Timings timings = TaskScenario.timedKernelAndCopy(kairos);
            assertThat(timings.kernel()).isPositive().isLessThan(Duration.ofSeconds(1));
            assertThat(timings.copy()).isPositive().isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aTaskCopiesBetweenZeroCopyAndDeviceMemory() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            TaskScenario.gpuCopiesBetweenZeroCopyAndDeviceMemory(kairos);
        }
    }
}
