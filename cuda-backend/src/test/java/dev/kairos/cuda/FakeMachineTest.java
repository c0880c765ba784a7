package dev.kairos.cuda;

import static dev.kairos.cuda.FakeCudaDriver.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Arena setup and teardown, through the test double: what start allocates, close frees. Not a GPU test. */
@Timeout(30)
class FakeMachineTest {

    @Test
    void oneGpuGivesAProcessorAFramebufferArenaAndZeroCopyMemory() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        KairosConfig config = Gpus.smallConfig().build();
        try (Kairos kairos = Gpus.startFake(config, driver)) {
            MachineScenario.check(kairos, 1);
            assertThat(driver.liveResources()).contains("device memory of " + config.gpuFramebufferMemory() + " bytes",
                    "pinned host memory of " + config.zeroCopyMemory() + " bytes", "primary context of device 0 (references=1)");
        }
        assertThat(driver.liveResources()).isEmpty();
    }

    @Test
    void twoGpusGetAProcessorAndArenaEachAndPeerCopyPaths() {
        FakeCudaDriver driver = new FakeCudaDriver(device(0, "Fake A", 9, 0, 1L << 30), device(1, "Fake B", 8, 0, 1L << 30));
        try (Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver)) {
            MachineScenario.check(kairos, 2);
        }
        assertThat(driver.liveResources()).isEmpty();
    }

    @Test
    void aFailedMemoryPhaseFreesWhatItHadAllocatedAndNamesTheCall() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        driver.failNext("cuMemHostRegister", 2);
        assertThatThrownBy(() -> Gpus.startFake(Gpus.smallConfig().build(), driver))
                .isInstanceOf(KairosException.class)
                .hasMessageContaining("cuda backend failed to create its memories")
                .hasMessageContaining("cuMemHostRegister failed: CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(driver.liveResources()).isEmpty();
    }

    @Test
    void aFramebufferThatCannotBeAllocatedFailsStartSayingHowMuch() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        driver.failNext("cuMemAlloc", 2);
        assertThatThrownBy(() -> Gpus.startFake(Gpus.smallConfig().build(), driver))
                .hasMessageContaining("cuMemAlloc(bytes=" + (32L << 20) + ") failed: CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(driver.liveResources()).isEmpty();
    }

    @Test
    void emptyMemoriesAllocateNothing() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        try (Kairos kairos = Gpus.startFake(Gpus.smallConfig().gpuFramebufferMemory(0).zeroCopyMemory(0).build(), driver)) {
            assertThat(kairos.machine().memories().list()).extracting(m -> m.name() + "=" + m.capacity())
                    .contains("gpu0.fb=0", "zcopy=0");
            assertThat(driver.liveResources()).noneMatch(r -> r.contains("memory"));
        }
        assertThat(driver.liveResources()).isEmpty();
    }

    @Test
    void aCompletionThreadThatCannotMakeItsContextCurrentFailsTheDeviceInsteadOfLeavingTasksWaiting() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        driver.failSetCurrentOn("completions", 201);
        Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver);
        try {
            Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
            RegionInstance inst = RegionInstance.create(kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow(),
                    Rect.of(0, 999), TaskScenario.FIELDS, 1, Event.NO_EVENT);
            Event done = gpu.spawn(TaskScenario.registerUpdate(kairos), new TaskScenario.Update(inst, 0), inst.ready());

            assertThat(done.await(Duration.ofSeconds(10))).isEqualTo(Event.Status.POISONED);
            assertThat(done.failure()).get().isInstanceOf(GpuFailedException.class).asString()
                    .contains("completion thread kairos-gpu0-").contains("cuCtxSetCurrent failed: CUDA_ERROR_INVALID_CONTEXT");
            inst.destroy();
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(10), kairos::close, "close with a failed completion thread");
        }
    }

    @Test
    void aCompletionThreadWhoseEventCallThrowsSomethingElseFailsTheDeviceAndLivesOn() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver);
        try {
            Processor gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
            RegionInstance inst = RegionInstance.create(kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow(),
                    Rect.of(0, 999), TaskScenario.FIELDS, 1, Event.NO_EVENT);
            inst.ready().await();
            var update = TaskScenario.registerUpdate(kairos);
            driver.throwNext("cuEventSynchronize", new IllegalArgumentException("Pointer must point to a direct buffer or native memory"));
            Event first = gpu.spawn(update, new TaskScenario.Update(inst, 0), Event.NO_EVENT);
            Event second = gpu.spawn(update, new TaskScenario.Update(inst, 0), Event.NO_EVENT);

            assertThat(first.await(Duration.ofSeconds(10))).isEqualTo(Event.Status.POISONED);
            assertThat(first.failure()).get().isInstanceOf(CudaException.class).asString()
                    .contains("cuEventSynchronize threw java.lang.IllegalArgumentException: Pointer must point");
            // The thread lives on: later work is answered by its own event (this context is not
            // sticky), never left waiting.
            assertThat(second.await(Duration.ofSeconds(10))).as("work after the failure").isNotEqualTo(Event.Status.PENDING);
            inst.destroy(Event.mergeIgnoringFaults(List.of(first, second)));
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(10), kairos::close, "close after a failed completion call");
        }
    }
}
