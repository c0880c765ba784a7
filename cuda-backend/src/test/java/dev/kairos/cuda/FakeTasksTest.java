package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.Event;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProcessorKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.cuda.TaskScenario.Update;
import dev.kairos.kernels.Kernels;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GPU tasks through the test double: completion tracking (a task completes only once its recorded
 * event has, in order), error mapping, sticky failures and the task context. Not a GPU test.
 */
@Timeout(60)
class FakeTasksTest extends FakeGpuFixture {

    @Test
    void aTaskCompletesOnlyOnceTheDeviceHasPassedItsEvent() {
        TaskId<Update> update = TaskScenario.registerUpdate(kairos);
        RegionInstance inst = readyInstance();
        driver.hold();
        Event done = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        driver.awaitQueued(2);
        assertThat(driver.queued()).containsExactly("cuLaunchKernel(update_int_float)", "cuEventRecord");
        assertThat(done.await(SHORT)).isEqualTo(Event.Status.PENDING);
        assertThat(driver.runNext()).isEqualTo("cuLaunchKernel(update_int_float)");
        assertThat(done.await(SHORT)).as("the kernel ran, but the event is not recorded yet").isEqualTo(Event.Status.PENDING);
        assertThat(driver.runNext()).isEqualTo("cuEventRecord");
        assertThat(done.await(LONG)).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void tasksCompleteInTheOrderTheirWorkWasEnqueued() {
        TaskId<Update> update = TaskScenario.registerUpdate(kairos);
        List<Integer> order = new CopyOnWriteArrayList<>();
        TaskId<Integer> note = kairos.registerTask("note", Integer.class, TaskVariant.on(ProcessorKind.CPU, (ctx, i) -> order.add(i)));
        RegionInstance inst = readyInstance();
        driver.hold();
        List<Event> notes = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            notes.add(cpu.spawn(note, i, gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT)));
        }
        driver.awaitQueued(10);
        driver.runNext();
        driver.runNext();
        notes.getFirst().await();
        assertThat(order).containsExactly(0);
        assertThat(notes.get(1).await(SHORT)).isEqualTo(Event.Status.PENDING);
        driver.runAll();
        Event.merge(notes).await();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aBodyThatThrowsFailsItsTaskOnlyAfterTheWorkItEnqueued() {
        RegionInstance inst = readyInstance();
        TaskId<RegionInstance> broken = gpuTask("broken", RegionInstance.class, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            FieldPointer f = cuda.devicePointer(i, TaskScenario.FIELD);
            cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 4, 256, f, f.lo(), 1000L, f.stride(), 1);
            throw new IllegalStateException("the body gave up");
        });
        driver.hold();
        Event done = gpu.spawn(broken, inst, Event.NO_EVENT);
        driver.awaitQueued(2);
        assertThat(done.await(SHORT)).isEqualTo(Event.Status.PENDING);
        driver.runAll();
        assertThat(done.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(done.failure()).get().isInstanceOf(IllegalStateException.class).hasFieldOrPropertyWithValue("message", "the body gave up");
    }

    @Test
    void aRefusedLaunchPoisonsItsTaskNamingTheKernelAndTheErrorAndTheGpuGoesOn() {
        TaskId<Update> update = TaskScenario.registerUpdate(kairos);
        RegionInstance inst = readyInstance();
        driver.failNext("cuLaunchKernel", 1);
        Event refused = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(refused.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(refused.failure()).get().isInstanceOf(CudaException.class)
                .hasFieldOrPropertyWithValue("message", "cuLaunchKernel(update_int_float) failed: CUDA_ERROR_INVALID_VALUE");
        Event next = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(next.await(LONG)).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void aStickyErrorFromALaunchPutsTheGpuOutOfService() {
        TaskId<Update> update = TaskScenario.registerUpdate(kairos);
        RegionInstance inst = readyInstance();
        driver.failNext("cuLaunchKernel", 719);
        Event failed = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(failed.await(LONG)).isEqualTo(Event.Status.POISONED);
        Event refused = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        assertThat(refused.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(refused.failure()).get().isInstanceOf(GpuFailedException.class).asString()
                .contains("task update on gpu0 did not run: gpu0 is out of service since cuLaunchKernel(update_int_float) failed:"
                        + " CUDA_ERROR_LAUNCH_FAILED");
    }

    @Test
    void aPlantedKernelFaultPoisonsExactlyTheRightEvents() {
        TaskScenario.plantedFault(kairos);
    }

    @Test
    void aFaultWhileWorkIsQueuedPoisonsThatWorkWithoutBlamingIt() {
        TaskId<Update> update = TaskScenario.registerUpdate(kairos);
        RegionInstance inst = readyInstance();
        driver.hold();
        Event good = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        Event faulty = gpu.spawn(update, new Update(inst, TaskScenario.BOGUS_ADDRESS), Event.NO_EVENT);
        Event queued = gpu.spawn(update, new Update(inst, 0), Event.NO_EVENT);
        driver.awaitQueued(6);
        driver.runAll();
        assertThat(good.await(LONG)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(faulty.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(faulty.failure()).get().isInstanceOf(CudaException.class)
                .hasFieldOrPropertyWithValue("message", "task update on gpu0 (kernels update_int_float) failed: CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(queued.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(queued.failure()).get().isInstanceOf(GpuFailedException.class).asString()
                .contains("task update on gpu0 (kernels update_int_float) did not run: gpu0 is out of service since task update on gpu0");
    }

    @Test
    void aGpuTaskWritesZeroCopyMemoryThatACpuTaskReads() {
        TaskScenario.gpuWritesZeroCopyAndCpuReads(kairos);
    }

    @Test
    void theContextGivesDevicePointersOfFramebufferAndZeroCopyInstances() throws Exception {
        Memory zc = kairos.machine().memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        RegionInstance inFb = RegionInstance.create(fb, Rect.of(5, 104), TaskScenario.FIELDS, 0, Event.NO_EVENT);
        RegionInstance inZc = RegionInstance.create(zc, Rect.of(5, 104), TaskScenario.FIELDS, 1, Event.NO_EVENT);
        RegionInstance inSys = RegionInstance.create(sys, Rect.of(5, 104), TaskScenario.FIELDS, 1, Event.NO_EVENT);
        List<Object> seen = new CopyOnWriteArrayList<>();
        TaskId<Void> look = gpuTask("look", Void.class, (ctx, nothing) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            seen.add(cuda.deviceOrdinal());
            seen.add(cuda.deviceName());
            seen.add(cuda.devicePointer(inFb, 102));
            seen.add(cuda.devicePointer(inZc, 101));
            assertThatThrownBy(() -> cuda.devicePointer(inSys, 101)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(SYSTEM), which GPUs cannot access");
            assertThatThrownBy(() -> cuda.devicePointer(inFb, 7)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no field 7");
            assertThatThrownBy(() -> cuda.launch(Kernels.TUTORIAL, "nope", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no kernel nope in module tutorial: kernels=[update_int_float");
            assertThatThrownBy(() -> cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 1, 2048))
                    .hasMessageContaining("blockX=2048");
            assertThatThrownBy(() -> cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 1, 32, "text"))
                    .hasMessageContaining("argument 0 has type java.lang.String");
            assertThatThrownBy(() -> ctx.backend(String.class)).isInstanceOf(IllegalArgumentException.class);
        });
        gpu.spawn(look, null, Event.merge(inFb.ready(), inZc.ready(), inSys.ready())).await();
        assertThat(seen.get(0)).isEqualTo(0);
        assertThat(seen.get(1)).isEqualTo("Fake H100");
        FieldPointer fbField = (FieldPointer) seen.get(2);
        var layout = inFb.layout().field(102);
        assertThat(fbField.lo()).isEqualTo(5);
        assertThat(fbField.stride()).isEqualTo(16);
        assertThat(fbField.size()).isEqualTo(16);
        assertThat(fbField.at(6) - fbField.at(5)).isEqualTo(16);
        assertThat(driver.memory(fbField.address(), 100 * 16)).as("inside the framebuffer arena").isNotNull();
        assertThat(layout.offset()).isPositive();
        FieldPointer zcField = (FieldPointer) seen.get(3);
        assertThat(zcField.address() & (1L << 62)).as("the device address of pinned memory, not its host address").isNotZero();
        assertThat(zcField.stride()).isEqualTo(32);
    }

    @Test
    void scratchBuffersRoundTripAndAreFreedWithTheTask() {
        List<byte[]> read = new CopyOnWriteArrayList<>();
        TaskId<Void> scratch = gpuTask("scratch", Void.class, (ctx, nothing) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            DeviceBuffer kept = cuda.allocate(16);
            try (DeviceBuffer closed = cuda.allocate(8)) {
                cuda.write(closed.address(), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                read.add(cuda.read(closed.address(), 8));
            }
            cuda.write(kept.address(), new byte[16]);
        });
        gpu.spawn(scratch, null, Event.NO_EVENT).await();
        assertThat(read).containsExactly(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(driver.liveResources()).noneMatch(r -> r.equals("device memory of 16 bytes") || r.equals("device memory of 8 bytes"));
    }
}
