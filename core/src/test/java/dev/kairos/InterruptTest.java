package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interrupts (issue 12, point 4): a task's interrupt never reaches the next task; nothing spins on
 * an interrupt flag; {@code await} keeps waiting and sets the flag again, {@code awaitInterruptibly}
 * ends the wait.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class InterruptTest {
    /** Long enough for a spinning thread to show; the measurement compares it with a control spinner. */
    private static final Duration WINDOW = Duration.ofMillis(300);
    /** An idle or parked thread uses next to nothing; a spinning one about as much as the control. */
    private static final double MAX_SHARE = 0.2;

    private final Kairos kairos = InProcessTestBackend.start(1 << 20);
    private final Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();

    @AfterEach
    void close() {
        kairos.close();
    }

    private <A> TaskId<A> cpuTask(String name, Class<A> type, TaskBody<A> body) {
        return kairos.registerTask(name, type, TaskVariant.on(ProcessorKind.CPU, body));
    }

    /**
     * The CPU time {@code thread} used over {@link #WINDOW}, as a share of what a thread spinning
     * alongside it for the same window got: near 0 if it is parked, near 1 if it spins.
     */
    private static double cpuShareOf(Thread thread) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread control = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        });
        long t0 = mx.getThreadCpuTime(thread.threadId());
        long c0 = mx.getThreadCpuTime(control.threadId());
        LockSupport.parkNanos(WINDOW.toNanos());
        long t1 = mx.getThreadCpuTime(thread.threadId());
        long c1 = mx.getThreadCpuTime(control.threadId());
        stop.set(true);
        control.join();
        assertThat(t0).as("CPU time of " + thread + " is measurable").isNotNegative();
        return (double) (t1 - t0) / Math.max(1, c1 - c0);
    }

    @Test
    void aTaskThatRestoresTheInterruptFlagNeitherFailsTheNextTaskNorLeavesItsWorkerSpinning() throws Exception {
        TaskId<Void> restorer = cpuTask("restorer", Void.class, (ctx, a) -> {
            try {
                throw new InterruptedException("as if a sleep in this task had been interrupted");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the standard idiom: restore the flag
            }
        });
        AtomicReference<Thread> worker = new AtomicReference<>();
        TaskId<Void> sleeper = cpuTask("sleeper", Void.class, (ctx, a) -> {
            worker.set(Thread.currentThread());
            Thread.sleep(1);
        });
        AtomicBoolean release = new AtomicBoolean();
        TaskId<Void> hold = cpuTask("hold", Void.class, (ctx, a) -> {
            while (!release.get()) {
                Thread.onSpinWait(); // keeps the worker busy, without idling, while the next two queue up
            }
        });
        cpu.spawn(hold, null);
        cpu.spawn(restorer, null);
        Event slept = cpu.spawn(sleeper, null); // right behind it on the same worker, no idling between
        release.set(true);
        slept.await(); // would fail with "sleep interrupted"
        assertThat(worker.get().isVirtual()).as("the test backend's workers are platform threads, measurable").isFalse();
        worker.get().interrupt(); // an interrupt that reaches the worker while it idles
        assertThat(cpuShareOf(worker.get())).as("the idle worker's CPU share").isLessThan(MAX_SHARE);
        cpu.spawn(sleeper, null).await();
    }

    @Test
    void awaitOnAnInterruptedThreadKeepsWaitingWithoutSpinningAndSetsTheFlagAgain() throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            UserEvent later = kairos.createUserEvent();
            AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                if (timed) {
                    later.await(Duration.ofDays(1));
                } else {
                    later.await();
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            assertThat(cpuShareOf(waiter)).as("timed=%s: the waiting thread's CPU share", timed).isLessThan(MAX_SHARE);
            later.trigger();
            waiter.join();
            assertThat(flagAfter.get()).as("timed=%s: the flag is set again", timed).isTrue();
        }
    }

    @Test
    void awaitInsideATaskOnAnInterruptedWorkerKeepsWaitingWithoutSpinningAndSetsTheFlagAgain() throws Exception {
        UserEvent later = kairos.createUserEvent();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        TaskId<Void> waiter = cpuTask("waiter", Void.class, (ctx, a) -> {
            worker.set(Thread.currentThread());
            Thread.currentThread().interrupt();
            later.await();
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        AtomicReference<Boolean> nextSawFlag = new AtomicReference<>();
        TaskId<Void> next = cpuTask("next", Void.class, (ctx, a) -> nextSawFlag.set(Thread.currentThread().isInterrupted()));
        Event waited = cpu.spawn(waiter, null);
        while (worker.get() == null) {
            Thread.onSpinWait();
        }
        assertThat(cpuShareOf(worker.get())).as("the blocked body's CPU share").isLessThan(MAX_SHARE);
        later.trigger();
        waited.await();
        cpu.spawn(next, null).await();
        assertThat(flagAfter.get()).as("the body sees its flag again").isTrue();
        assertThat(nextSawFlag.get()).as("the next task does not").isFalse();
    }

    @Test
    void awaitInterruptiblyEndsTheWaitWithInterruptedExceptionLikeFutureGet() throws Exception {
        UserEvent never = kairos.createUserEvent();
        Thread.currentThread().interrupt();
        assertThatThrownBy(never::awaitInterruptibly).isInstanceOf(InterruptedException.class).hasMessageContaining(never.toString());
        assertThat(Thread.interrupted()).as("the flag is cleared").isFalse();

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                never.awaitInterruptibly();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiter.interrupt(); // before or during the wait: either way it ends with InterruptedException
        waiter.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);

        Thread.currentThread().interrupt();
        Event.NO_EVENT.awaitInterruptibly(); // a triggered event returns, as Future.get on a done future
        assertThat(Thread.interrupted()).as("and leaves the flag alone").isTrue();
    }

    @Test
    void awaitInterruptiblyInsideATaskEndsTheWaitAndTheProcessorRunsTheNextTask() {
        UserEvent never = kairos.createUserEvent();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        TaskId<Void> impatient = cpuTask("impatient", Void.class, (ctx, a) -> {
            worker.set(Thread.currentThread());
            try {
                never.awaitInterruptibly();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        TaskId<Void> noop = cpuTask("noop", Void.class, (ctx, a) -> {});
        Event done = cpu.spawn(impatient, null);
        cpu.spawn(noop, null).await(); // ran on the same processor: the body is blocked in its wait by now
        worker.get().interrupt();
        done.await();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        cpu.spawn(noop, null).await();
        never.trigger();
    }
}
