package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskBody;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What tests of GPU tasks over the test double start from: before each test, a runtime
 * ({@link Gpus#smallConfig()}) with the CUDA backend over a fresh {@link FakeCudaDriver} of one
 * fake GPU; after it, the held stream work released and the runtime closed, with no primary
 * context left retained. No GPU is involved.
 */
public abstract class FakeGpuFixture {
    /** How long a test waits to see that something has not happened yet. */
    protected static final Duration SHORT = Duration.ofMillis(200);
    /** How long a test waits for something that must happen. */
    protected static final Duration LONG = Duration.ofSeconds(20);

    protected FakeCudaDriver driver;
    protected Kairos kairos;
    protected Processor gpu;
    protected Processor cpu;
    protected Memory fb;

    @BeforeEach
    protected void startFakeGpu() {
        driver = FakeCudaDriver.oneGpu();
        kairos = Gpus.startFake(Gpus.smallConfig().build(), driver);
        gpu = kairos.machine().processors().kind(ProcessorKind.GPU).first().orElseThrow();
        cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        fb = kairos.machine().memories().kind(MemoryKind.GPU_FB).first().orElseThrow();
    }

    @AfterEach
    protected void closeFakeGpu() {
        driver.release();
        assertTimeoutPreemptively(LONG, kairos::close);
        assertThat(driver.liveResources()).noneMatch(r -> r.startsWith("primary context"));
    }

    /** An AoS instance of {@link TaskScenario#FIELDS} over points 0..999 in the framebuffer, ready. */
    protected RegionInstance readyInstance() {
        RegionInstance inst = RegionInstance.create(fb, Rect.of(0, 999), TaskScenario.FIELDS, 1, Event.NO_EVENT);
        inst.ready().await();
        return inst;
    }

    /** Registers a task with {@code body} as its only variant, on GPUs. */
    protected <A> TaskId<A> gpuTask(String name, Class<A> type, TaskBody<A> body) {
        return kairos.registerTask(name, type, TaskVariant.on(ProcessorKind.GPU, body));
    }
}
