package dev.kairos.cuda;

import dev.kairos.Kairos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a real GPU: kernels launched by tasks, and ZERO_COPY memory shared by GPU and CPU tasks. */
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
}
