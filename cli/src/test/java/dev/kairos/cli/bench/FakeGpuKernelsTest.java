package dev.kairos.cli.bench;

import static dev.kairos.kernels.Kernels.UPDATE_INT_FLOAT;
import static dev.kairos.kernels.Kernels.UPDATE_LONG_DOUBLE;
import static dev.kairos.kernels.Kernels.VERIFY_INT_FLOAT;
import static dev.kairos.kernels.Kernels.VERIFY_LONG_DOUBLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.Event;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.PoisonedEventException;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.cli.bench.BandwidthBench.Kernels;
import dev.kairos.cuda.FakeCudaDriver;
import dev.kairos.cuda.FakeGpuFixture;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.VerificationException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU path of {@code kairos bench bandwidth} over the CUDA backend's test double
 * ({@link FakeCudaDriver}), whose device clock advances a fixed time per kernel or copy: which
 * kernels and copies each task runs, that each figure is the device time of its own work only, and
 * that the reader still checks the values. Not a GPU test: no figure here says anything about a GPU.
 */
@Timeout(60)
class FakeGpuKernelsTest extends FakeGpuFixture {
    private static final Duration WORK = Duration.ofNanos(40_000);
    private static final long BATCH_BYTES = 64 * 1024;

    @BeforeEach
    void workTime() {
        driver.workTime(WORK);
    }

    private Batch batch(MemoryKind kind, int blockSize) {
        Memory memory = kairos.machine().memories().kind(kind).first().orElseThrow();
        Rect bounds = DeferredAllocation.bounds(BATCH_BYTES);
        RegionInstance instance = RegionInstance.create(memory, bounds, DeferredAllocation.FIELD_SIZES, blockSize, Event.NO_EVENT);
        instance.ready().await();
        return new Batch(0, instance, bounds);
    }

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {1, 0})
    void eachFigureIsTheDeviceTimeOfItsOwnKernelsOrCopy(int blockSize) {
        Kernels kernels = Kernels.of(kairos, gpu);
        Batch batch = batch(MemoryKind.GPU_FB, blockSize);
        long payload = 24 * batch.bounds().volume();
        assertThat(kernels.writer(batch)).as("two update kernels").isEqualTo(2 * WORK.toNanos());
        assertThat(kernels.reader(batch)).as("two verify kernels; the counters are set and read outside the time")
                .isEqualTo(2 * WORK.toNanos());
        try (Kernels.Copy copy = kernels.copyOf(batch, payload)) {
            assertThat(copy.run()).as("one device-to-device copy").isEqualTo(WORK.toNanos());
        }
        assertThat(driver.launches()).extracting(FakeCudaDriver.Launch::kernel)
                .containsExactly(UPDATE_INT_FLOAT, UPDATE_LONG_DOUBLE, VERIFY_INT_FLOAT, VERIFY_LONG_DOUBLE);
        assertThat(driver.calls()).filteredOn(c -> c.startsWith("cuMemcpy(UNIFIED to UNIFIED")).singleElement().asString()
                .startsWith("cuMemcpy(UNIFIED to UNIFIED, bytes=" + payload + ") on stream 0x");
        assertThat(kernels.targetPercent()).isEqualTo(85);
        batch.instance().destroy().await();
    }

    @Test
    void theReaderStillChecksEveryValue() {
        Kernels kernels = Kernels.of(kairos, gpu);
        Batch unwritten = batch(MemoryKind.GPU_FB, 1);
        assertThatThrownBy(() -> kernels.reader(unwritten)).isInstanceOf(PoisonedEventException.class)
                .rootCause().isInstanceOf(VerificationException.class).hasMessageStartingWith("batch 1, field 101, point 0: expected {x=1, y=2.0}");
        unwritten.instance().destroy().await();
    }

    @Test
    void thePlainCopyNeedsTheInstanceInTheFramebuffer() {
        Kernels kernels = Kernels.of(kairos, gpu);
        Batch inZeroCopy = batch(MemoryKind.ZERO_COPY, 1);
        assertThatThrownBy(() -> kernels.copyOf(inZeroCopy, 24)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("on a GPU the plain copy is device to device, so the instance must be in GPU_FB memory");
        inZeroCopy.instance().destroy().await();
    }
}
