package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API overview (dev.kairos package-info, "Closing, and memory safety") and Kairos.close: close()
 * never hangs forever and never loses accepted work; shutdown(after) from a task, and
 * awaitTermination from outside (issue 12, points 1, 2 and 6).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class CloseTest {
    private static final Duration GRACE = Duration.ofMillis(200);
    /** What "within the grace period" allows on top of it: generous, the build machine is shared. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private static Kairos start() {
        return InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20).closeGracePeriod(GRACE).build());
    }

    private static Processor cpu(Kairos kairos) {
        return kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
    }

    private static <A> TaskId<A> cpuTask(Kairos kairos, String name, Class<A> type, TaskBody<A> body) {
        return kairos.registerTask(name, type, TaskVariant.on(ProcessorKind.CPU, body));
    }

    /** Point 1: the commonest hang, a test failing after it scheduled a destroy on a user event. */
    @Test
    void aFailingAssertionAfterADestroyOnAnUntriggeredEventFailsTheTestInsteadOfHangingInClose() {
        AtomicReference<UserEvent> never = new AtomicReference<>();
        AtomicReference<Event> destroyed = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        long t0 = System.nanoTime();
        String log = LogCapture.stderrOf(() -> thrown.set(catchThrowable(() -> {
            try (Kairos kairos = start()) {
                Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
                RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 99), Map.of(1, 8L), 1, Event.NO_EVENT);
                never.set(kairos.createUserEvent());
                destroyed.set(inst.destroy(never.get()));
                assertThat(inst.ready().isPoisoned()).as("the test's own failing assertion").isTrue();
            }
        })));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(thrown.get()).isInstanceOf(AssertionError.class).hasMessageContaining("the test's own failing assertion");
        assertThat(took).isLessThan(GRACE.plus(MARGIN));
        Throwable cause = never.get().failure().orElseThrow();
        assertThat(cause).isInstanceOf(CancellationException.class).hasMessageContaining("closed before this user event was triggered");
        assertThat(destroyed.get().failure()).as("the poison flowed to the destroy").containsSame(cause);
        assertThat(log).containsOnlyOnce("cancelled 1 user event(s) nobody triggered (" + never.get() + ")");
    }

    /** Point 1: a body that never returns is reported, and close returns anyway; what queued behind it is cancelled, not dropped. */
    @Test
    void aTaskBodyThatNeverReturnsIsReportedByNameAndProcessorAndCloseReturnsAnyway() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Kairos kairos = start();
        Processor cpu = cpu(kairos);
        TaskId<Void> stuck = cpuTask(kairos, "stuck", Void.class, (ctx, a) -> {
            running.countDown();
            release.await(); // not an Event: nothing the runtime can see or cancel
        });
        TaskId<Void> after = cpuTask(kairos, "after", Void.class, (ctx, a) -> {});
        Event stuckDone = cpu.spawn(stuck, null);
        Event queued = cpu.spawn(after, null);
        running.await();
        String log;
        try {
            log = LogCapture.stderrOf(kairos::close);
            assertThatThrownBy(() -> cpu.spawn(after, null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            release.countDown();
        }
        assertThat(log).contains("task stuck (" + stuckDone + ") still running on proc:cpu0", "gives up");
        assertThat(stuckDone.await(Duration.ofSeconds(60))).isEqualTo(Event.Status.TRIGGERED);
        assertThat(queued.await(Duration.ofSeconds(60))).as("queued behind the stuck body: cancelled once it returned")
                .isEqualTo(Event.Status.POISONED);
        assertThat(queued.failure()).get().isInstanceOf(CancellationException.class);
    }

    /**
     * Point 1: close first waits for everything that can still run, including work that becomes
     * ready only later, on a processor whose queue is empty when close is called.
     */
    @Test
    void tenThousandSpawnsThenCloseRunEveryOne() {
        AtomicInteger ran = new AtomicInteger();
        Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(2).systemMemory(0).closeGracePeriod(GRACE).build());
        List<Processor> cpus = kairos.machine().processors().kind(ProcessorKind.CPU).list();
        TaskId<Void> count = cpuTask(kairos, "count", Void.class, (ctx, a) -> ran.incrementAndGet());
        List<Event> events = new ArrayList<>(10_000);
        Event previous = Event.NO_EVENT;
        for (int i = 0; i < 10_000; i++) {
            previous = cpus.get(i % 2).spawn(count, null, previous); // a chain that crosses between the two processors
            events.add(previous);
        }
        kairos.close();
        assertThat(ran).hasValue(10_000);
        assertThat(events).allMatch(e -> e.status() == Event.Status.TRIGGERED);
    }

    /** Point 2: Realm's Runtime::shutdown(event), called by the main task. */
    @Test
    void shutdownFromInsideATaskClosesTheRuntimeOnceItsEventHasTriggered() {
        Kairos kairos = start();
        Processor cpu = cpu(kairos);
        AtomicInteger children = new AtomicInteger();
        TaskId<Integer> child = cpuTask(kairos, "child", Integer.class, (ctx, i) -> children.incrementAndGet());
        TaskId<Void> main = cpuTask(kairos, "main", Void.class, (ctx, a) -> {
            Event last = Event.NO_EVENT;
            for (int i = 0; i < 100; i++) {
                last = ctx.processor().spawn(child, i, last);
            }
            ctx.kairos().shutdown(last);
        });
        assertThat(kairos.awaitTermination(Duration.ZERO)).isFalse();
        cpu.spawn(main, null);
        assertThat(kairos.awaitTermination(Duration.ofSeconds(60))).isTrue();
        assertThat(children).hasValue(100);
        assertThatThrownBy(() -> cpu.spawn(child, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        kairos.close(); // already closed: returns at once
    }

    /** Point 6: a spawn racing close either runs or is refused at once; an accepted one is never dropped. */
    @Test
    void workSubmittedWhileClosingEitherRunsOrIsRefusedAtOnce() throws Exception {
        for (int round = 0; round < 2000; round++) {
            Kairos kairos = start();
            Processor cpu = cpu(kairos);
            TaskId<Void> noop = cpuTask(kairos, "noop", Void.class, (ctx, a) -> {});
            List<Event> accepted = new ArrayList<>();
            AtomicReference<Throwable> refusal = new AtomicReference<>();
            CountDownLatch spawning = new CountDownLatch(1);
            Thread spawner = Thread.ofPlatform().start(() -> {
                try {
                    for (;;) {
                        accepted.add(cpu.spawn(noop, null));
                        spawning.countDown();
                    }
                } catch (Throwable t) {
                    refusal.set(t);
                }
            });
            spawning.await();
            kairos.close();
            spawner.join();
            assertThat(refusal.get()).as("round %d", round).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(kairos.toString());
            for (Event e : accepted) {
                assertThat(e.status()).as("round %d: accepted %s after close returned", round, e).isEqualTo(Event.Status.TRIGGERED);
            }
        }
    }
}
