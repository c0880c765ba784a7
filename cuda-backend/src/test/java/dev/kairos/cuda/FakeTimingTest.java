package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.Event;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.cuda.CudaDriver.Stream;
import dev.kairos.kernels.Kernels;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CudaTaskContext#time} and {@link CudaTaskContext#copy} through the test double, whose device
 * clock advances a fixed time per piece of stream work: which driver calls are made, in which order,
 * on which stream, what the elapsed time adds up to, and how errors map. Not a GPU test.
 */
@Timeout(60)
class FakeTimingTest extends FakeGpuFixture {
    private static final Duration WORK = Duration.ofNanos(25_000);
    private static final Pattern TIMING_EVENT = Pattern.compile("cuEventCreate\\(CU_EVENT_DEFAULT\\) = (e\\d+)");

    @BeforeEach
    void workTime() {
        driver.workTime(WORK);
    }

    private static void update(CudaTaskContext cuda, RegionInstance inst, Object base) {
        FieldPointer f = cuda.devicePointer(inst, TaskScenario.FIELD);
        cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 4, 256, base == null ? f : base, f.lo(), 1000L, f.stride(), 1);
    }

    /** The timing events created so far, by name ({@code e7}). */
    private List<String> timingEvents() {
        return driver.calls().stream().map(TIMING_EVENT::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    }

    private void assertNoTimingEventLeft() {
        List<String> live = driver.liveResources();
        for (String e : timingEvents()) {
            assertThat(live).as("timing event %s destroyed", e).doesNotContain("event " + e);
        }
    }

    @Test
    void timeRecordsAnEventBeforeAndAfterTheBodysWorkOnTheTaskStreamAndReturnsTheDeviceTimeBetween() {
        RegionInstance inst = readyInstance();
        List<Object> seen = new CopyOnWriteArrayList<>();
        TaskId<RegionInstance> timed = gpuTask("timed", RegionInstance.class, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            seen.add(cuda.stream());
            seen.add(cuda.time(() -> {
                update(cuda, i, null);
                update(cuda, i, null);
            }));
        });
        gpu.spawn(timed, inst, Event.NO_EVENT).await();

        assertThat(seen.get(1)).as("two pieces of work of 25 µs each").isEqualTo(Duration.ofNanos(50_000));
        String stream = " on stream 0x" + Long.toHexString((Long) seen.get(0));
        List<String> events = timingEvents();
        assertThat(events).hasSize(2);
        String start = events.get(0);
        String end = events.get(1);
        List<String> calls = driver.calls();
        int first = calls.indexOf("cuEventCreate(CU_EVENT_DEFAULT) = " + start);
        assertThat(calls.subList(first, first + 10)).containsExactly(
                "cuEventCreate(CU_EVENT_DEFAULT) = " + start,
                "cuEventCreate(CU_EVENT_DEFAULT) = " + end,
                "cuEventRecord(" + start + ")" + stream,
                "cuLaunchKernel(update_int_float)" + stream,
                "cuLaunchKernel(update_int_float)" + stream,
                "cuEventRecord(" + end + ")" + stream,
                "cuEventSynchronize(" + end + ")",
                "cuEventElapsedTime(" + start + ", " + end + ")",
                "cuEventDestroy(" + end + ")",
                "cuEventDestroy(" + start + ")");
        assertThat(calls).as("completion tracking keeps its events without timing")
                .filteredOn(c -> c.startsWith("cuEventCreate") && !events.contains(c.substring(c.lastIndexOf(' ') + 1)))
                .isNotEmpty().allMatch(c -> c.startsWith("cuEventCreate(CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC)"));
        assertNoTimingEventLeft();
    }

    @Test
    void timeReturnsOnlyOnceTheDeviceHasPassedTheEndEvent() {
        RegionInstance inst = readyInstance();
        AtomicBoolean returned = new AtomicBoolean();
        List<Duration> took = new CopyOnWriteArrayList<>();
        TaskId<RegionInstance> timed = gpuTask("timed", RegionInstance.class, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            took.add(cuda.time(() -> update(cuda, i, null)));
            returned.set(true);
        });
        driver.hold();
        Event done = gpu.spawn(timed, inst, Event.NO_EVENT);
        driver.awaitQueued(3);
        assertThat(driver.queued()).containsExactly("cuEventRecord", "cuLaunchKernel(update_int_float)", "cuEventRecord");
        assertThat(done.await(SHORT)).isEqualTo(Event.Status.PENDING);
        driver.runNext();
        driver.runNext();
        assertThat(done.await(SHORT)).isEqualTo(Event.Status.PENDING);
        assertThat(returned).as("the body waits in time() for the end event").isFalse();
        driver.release();
        assertThat(done.await(LONG)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(returned).isTrue();
        assertThat(took).containsExactly(WORK);
    }

    @Test
    void aTimedDeviceCopyMovesTheBytesOnTheTaskStream() {
        TaskScenario.Timings timings = TaskScenario.timedKernelAndCopy(kairos);
        assertThat(timings.kernel()).isEqualTo(WORK);
        assertThat(timings.copy()).isEqualTo(WORK);
        assertThat(driver.calls()).filteredOn(c -> c.startsWith("cuMemcpy(UNIFIED to UNIFIED"))
                .containsExactly("cuMemcpy(UNIFIED to UNIFIED, bytes=80000) on stream 0x" + Long.toHexString(taskStream()));
    }

    /** The stream GPU tasks enqueue on. */
    private long taskStream() {
        List<Long> stream = new CopyOnWriteArrayList<>();
        TaskId<Void> look = gpuTask("look", Void.class, (ctx, nothing) -> stream.add(ctx.backend(CudaTaskContext.class).stream()));
        gpu.spawn(look, null, Event.NO_EVENT).await();
        return stream.getFirst();
    }

    @Test
    void aDeviceCopyOfNoBytesOrRefusedByTheDriverSaysWhy() {
        TaskId<Long> copy = gpuTask("copy", Long.class, (ctx, bytes) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            try (DeviceBuffer from = cuda.allocate(64); DeviceBuffer to = cuda.allocate(64)) {
                cuda.copy(from.address(), to.address(), bytes);
            }
        });
        Event none = gpu.spawn(copy, 0L, Event.NO_EVENT);
        assertThat(none.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(none.failure()).get().isInstanceOf(IllegalArgumentException.class)
                .hasFieldOrPropertyWithValue("message", "device copy bytes=0 must be >= 1");
        driver.failNext("cuMemcpy", 1);
        Event refused = gpu.spawn(copy, 64L, Event.NO_EVENT);
        assertThat(refused.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(refused.failure()).get().isInstanceOf(CudaException.class)
                .hasFieldOrPropertyWithValue("message", "cuMemcpy failed: CUDA_ERROR_INVALID_VALUE");
        assertThat(gpu.spawn(copy, 64L, Event.NO_EVENT).await(LONG)).isEqualTo(Event.Status.TRIGGERED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cuEventCreate", "cuEventRecord", "cuEventSynchronize", "cuEventElapsedTime"})
    void aRefusedTimingCallPoisonsTheTaskNamingTheCallDestroysTheEventsAndTheGpuGoesOn(String call) {
        RegionInstance inst = readyInstance();
        TaskId<RegionInstance> timed = gpuTask("timed", RegionInstance.class, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            cuda.time(() -> update(cuda, i, null));
        });
        driver.failNext(call, 1);
        Event refused = gpu.spawn(timed, inst, Event.NO_EVENT);
        assertThat(refused.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(refused.failure()).get().isInstanceOf(CudaException.class).asString()
                .contains(call).endsWith(" failed: CUDA_ERROR_INVALID_VALUE");
        assertNoTimingEventLeft();
        assertThat(gpu.spawn(timed, inst, Event.NO_EVENT).await(LONG)).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void aKernelFaultInTimedWorkPoisonsTheTaskWithTheErrorAndPutsTheGpuOutOfService() {
        RegionInstance inst = readyInstance();
        TaskId<RegionInstance> faulty = gpuTask("faulty", RegionInstance.class, (ctx, i) -> {
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            cuda.time(() -> update(cuda, i, TaskScenario.BOGUS_ADDRESS));
        });
        driver.hold();
        Event failed = gpu.spawn(faulty, inst, Event.NO_EVENT);
        driver.awaitQueued(3);
        driver.release();
        assertThat(failed.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(failed.failure()).get().isInstanceOf(CudaException.class)
                .hasFieldOrPropertyWithValue("message", "cuEventSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS");
        Event later = gpu.spawn(faulty, inst, Event.NO_EVENT);
        assertThat(later.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(later.failure()).get().isInstanceOf(GpuFailedException.class).asString()
                .contains("gpu0 is out of service since cuEventSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS");
    }

    @Test
    void whatTheTimedBodyThrowsComesOutAsItIsAndTheEventsAreDestroyed() {
        TaskId<Void> broken = gpuTask("broken", Void.class, (ctx, nothing) -> ctx.backend(CudaTaskContext.class).time(() -> {
            throw new IllegalStateException("the body gave up");
        }));
        Event done = gpu.spawn(broken, null, Event.NO_EVENT);
        assertThat(done.await(LONG)).isEqualTo(Event.Status.POISONED);
        assertThat(done.failure()).get().isInstanceOf(IllegalStateException.class)
                .hasFieldOrPropertyWithValue("message", "the body gave up");
        assertThat(timingEvents()).hasSize(2);
        assertThat(driver.calls()).noneMatch(c -> c.startsWith("cuEventElapsedTime"));
        assertNoTimingEventLeft();
    }

    @Test
    void theDoubleRefusesElapsedTimeAsCudaDoes() {
        FakeCudaDriver cuda = FakeCudaDriver.oneGpu();
        cuda.setCurrent(cuda.retainPrimaryContext(0));
        Stream stream = cuda.createStream();
        CudaDriver.CudaEvent untimed = cuda.createEvent();
        CudaDriver.CudaEvent start = cuda.createTimingEvent();
        CudaDriver.CudaEvent end = cuda.createTimingEvent();
        assertThatThrownBy(() -> cuda.elapsedMillis(start, end)).as("never recorded")
                .hasMessage("cuEventElapsedTime failed: CUDA_ERROR_INVALID_HANDLE");
        cuda.hold();
        cuda.recordEvent(start, stream);
        cuda.recordEvent(untimed, stream);
        cuda.recordEvent(end, stream);
        assertThatThrownBy(() -> cuda.elapsedMillis(start, end)).as("not passed yet")
                .hasMessage("cuEventElapsedTime failed: CUDA_ERROR_NOT_READY");
        cuda.release();
        assertThatThrownBy(() -> cuda.elapsedMillis(start, untimed)).as("created without timing")
                .hasMessage("cuEventElapsedTime failed: CUDA_ERROR_INVALID_HANDLE");
        assertThat(cuda.elapsedMillis(start, end)).isZero();
    }
}
