package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.spi.Backend;
import dev.kairos.spi.ProcessorDriver;
import dev.kairos.spi.ProcessorPhase;
import dev.kairos.spi.RunningTask;
import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers that survive (issue 12, points 3 and 5): a failure while running one unit of work, even
 * one that cannot be formatted, never ends a worker; a thread that cannot be created never leaves a
 * processor without one.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class WorkerSurvivalTest {

    /** An exception that cannot even say what it is. */
    static final class Unprintable extends RuntimeException {
        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage() is broken too");
        }
    }

    /** A backend of one CPU processor, cpu0, with the driver a test chooses. */
    private record DriverBackend(ProcessorDriver driver) implements Backend {
        @Override
        public String name() {
            return "driver-test";
        }

        @Override
        public Probe probe(KairosConfig config) {
            return Probe.available("one CPU processor with a test driver");
        }

        @Override
        public void createProcessors(ProcessorPhase machine) {
            machine.addProcessor(ProcessorKind.CPU, "cpu0", driver);
        }

        @Override
        public void close() {}
    }

    private static Kairos start(ProcessorDriver driver) {
        return Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(0).closeGracePeriod(Duration.ofMillis(200)).build(),
                List.of(new DriverBackend(driver)));
    }

    private static Processor cpu(Kairos kairos) {
        return kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
    }

    @Test
    void aTaskFailureWhoseGetMessageThrowsPoisonsItsTaskAndTheWorkerGoesOn() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            Processor cpu = cpu(kairos);
            Unprintable failure = new Unprintable();
            TaskId<Void> fail = kairos.registerTask("fail", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
                throw failure;
            }));
            AtomicInteger ran = new AtomicInteger();
            TaskId<Void> next = kairos.registerTask("next", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> ran.incrementAndGet()));
            Event failed = cpu.spawn(fail, null);
            Event after = cpu.spawn(next, null);
            assertThatThrownBy(failed::await).isInstanceOf(PoisonedEventException.class).hasCause(failure)
                    .hasMessageContaining(Unprintable.class.getName() + " (its getMessage() threw");
            after.await();
            assertThat(ran).hasValue(1);
        }
    }

    @Test
    void aFailureOfTheRuntimeWhileRunningATaskIsLoggedWithItsStackAndTheWorkerGoesOn() {
        ProcessorDriver completesThenThrows = new ProcessorDriver() {
            @Override
            public void execute(RunningTask task) {
                ProcessorDriver.super.execute(task);
                throw new IllegalStateException("a driver bug, after the task completed");
            }
        };
        Kairos kairos = start(completesThenThrows);
        Processor cpu = cpu(kairos);
        AtomicInteger ran = new AtomicInteger();
        TaskId<Void> count = kairos.registerTask("count", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> ran.incrementAndGet()));
        String log = LogCapture.stderrOf(() -> {
            cpu.spawn(count, null).await();
            cpu.spawn(count, null).await();
            kairos.close();
        });
        assertThat(ran).hasValue(2);
        assertThat(log).contains("Kairos internal error on proc:cpu0", "the worker goes on", "a driver bug, after the task completed",
                "\tat dev.kairos.");
    }

    @Test
    void aWorkerThreadThatCannotBeCreatedOrStartedFailsTheAwaitThatNeededItAndTheProcessorKeepsRunning() {
        AtomicInteger requested = new AtomicInteger();
        ProcessorDriver exhausted = new ProcessorDriver() {
            @Override
            public Thread newWorkerThread(String name, Runnable worker) {
                return switch (requested.getAndIncrement()) {
                    case 0 -> ProcessorDriver.super.newWorkerThread(name, worker); // the processor's own worker
                    case 1 -> throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
                    default -> Thread.ofPlatform().start(() -> {}); // already started: its start() fails
                };
            }
        };
        try (Kairos kairos = start(exhausted)) {
            Processor cpu = cpu(kairos);
            UserEvent gate = kairos.createUserEvent();
            TaskId<Void> waiter = kairos.registerTask("waiter", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> gate.await()));
            AtomicInteger ran = new AtomicInteger();
            TaskId<Void> next = kairos.registerTask("next", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> ran.incrementAndGet()));
            for (String reason : List.of("unable to create native thread", "could not start worker thread")) {
                Event waited = cpu.spawn(waiter, null);
                assertThatThrownBy(waited::await).isInstanceOf(PoisonedEventException.class)
                        .hasCauseInstanceOf(KairosException.class).cause().hasMessageContaining("cannot wait for " + gate)
                        .hasMessageContaining(reason);
                cpu.spawn(next, null).await();
            }
            assertThat(ran).hasValue(2);
            gate.trigger();
        }
    }
}
