package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API overview's rules for tasks (dev.kairos package-info, "Processors and tasks"): variants,
 * spawn, failure, blocking inside a body, priority.
 */
@Timeout(30)
class TaskTest {
    private final Kairos kairos = InProcessTestBackend.start(1 << 20);
    private final Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();

    @AfterEach
    void close() {
        kairos.close();
    }

    private <A> TaskId<A> cpuTask(String name, Class<A> type, TaskBody<A> body) {
        return kairos.registerTask(name, type, TaskVariant.on(ProcessorKind.CPU, body));
    }

    @Test
    void aTaskRunsOnceItsPreconditionTriggersAndItsEventTriggersWhenItEnds() {
        AtomicInteger runs = new AtomicInteger();
        TaskId<Integer> add = cpuTask("add", Integer.class, (ctx, n) -> runs.addAndGet(n));
        UserEvent start = kairos.createUserEvent();
        Event done = cpu.spawn(add, 5, start);
        assertThat(done.await(Duration.ofMillis(20))).isEqualTo(Event.Status.PENDING);
        assertThat(runs).hasValue(0);
        start.trigger();
        done.await();
        assertThat(runs).hasValue(5);
    }

    @Test
    void aBodyThatThrowsPoisonsItsEventAndKeepsTheExceptionAsCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        TaskId<Void> fail = cpuTask("fail", Void.class, (ctx, a) -> {
            throw boom;
        });
        Event done = cpu.spawn(fail, null);
        assertThatThrownBy(done::await).isInstanceOf(PoisonedEventException.class).hasCause(boom);
        assertThat(done.failure()).containsSame(boom);
    }

    /**
     * A failure is logged once, with its stack trace; a body that cancels its task (throws
     * CancellationException, the cause the runtime itself gives what it cancels) poisons its event
     * and what follows it all the same, but says nothing: the program asked for it.
     */
    @Test
    void aBodyThatThrowsCancellationExceptionPoisonsItsEventWithoutTheWarningAFailureLogs() {
        CancellationException cancelled = new CancellationException("not wanted any more");
        TaskId<Void> cancel = cpuTask("cancel", Void.class, (ctx, a) -> {
            throw cancelled;
        });
        TaskId<Void> fail = cpuTask("fail", Void.class, (ctx, a) -> {
            throw new IllegalStateException("boom");
        });
        AtomicInteger runs = new AtomicInteger();
        TaskId<Void> count = cpuTask("count", Void.class, (ctx, a) -> runs.incrementAndGet());
        AtomicReference<Event> after = new AtomicReference<>();
        String quiet = LogCapture.stderrOf(() -> {
            Event done = cpu.spawn(cancel, null);
            after.set(cpu.spawn(count, null, done));
            after.get().await(Duration.ofSeconds(10));
        });
        assertThat(after.get().failure()).containsSame(cancelled);
        assertThat(runs).hasValue(0);
        assertThat(quiet).isEmpty();
        String loud = LogCapture.stderrOf(() -> cpu.spawn(fail, null).await(Duration.ofSeconds(10)));
        assertThat(loud).contains("WARN", "task fail", "boom");
    }

    @Test
    void poisonPropagatesDownstreamAndCancelledTasksNeverRun() {
        AtomicInteger runs = new AtomicInteger();
        TaskId<Void> fail = cpuTask("fail", Void.class, (ctx, a) -> {
            throw new IllegalArgumentException("first failure");
        });
        TaskId<Void> count = cpuTask("count", Void.class, (ctx, a) -> runs.incrementAndGet());
        Event failed = cpu.spawn(fail, null);
        Event second = cpu.spawn(count, null, failed);
        Event third = cpu.spawn(count, null, second);
        assertThatThrownBy(third::await).isInstanceOf(PoisonedEventException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class).hasRootCauseMessage("first failure");
        assertThat(second.isPoisoned()).isTrue();
        assertThat(runs).hasValue(0);
    }

    @Test
    void spawningOnAKindWithoutAVariantIsAnIllegalArgumentExceptionAtTheCall() {
        TaskId<Void> gpuOnly = kairos.registerTask("gpu-only", Void.class, TaskVariant.on(ProcessorKind.GPU, (ctx, a) -> {}));
        assertThatThrownBy(() -> cpu.spawn(gpuOnly, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpu-only").hasMessageContaining("CPU").hasMessageContaining("GPU");
    }

    @Test
    void registrationRejectsBadTasks() {
        assertThatThrownBy(() -> kairos.registerTask(" ", Void.class, TaskVariant.on(ProcessorKind.CPU, (c, a) -> {})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kairos.registerTask("none", Void.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> kairos.registerTask("twice", Void.class,
                        TaskVariant.on(ProcessorKind.CPU, (c, a) -> {}), TaskVariant.on(ProcessorKind.CPU, (c, a) -> {})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two variants");
        cpuTask("taken", Void.class, (c, a) -> {});
        assertThatThrownBy(() -> cpuTask("taken", Void.class, (c, a) -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }

    @Test
    void aTaskOfAnotherRuntimeIsRejected() {
        try (Kairos other = InProcessTestBackend.start(1 << 20)) {
            TaskId<Void> foreign = other.registerTask("foreign", Void.class, TaskVariant.on(ProcessorKind.CPU, (c, a) -> {}));
            assertThatThrownBy(() -> cpu.spawn(foreign, null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theContextNamesTheProcessorTheRuntimeAndTheTasksOwnEvent() {
        AtomicReference<TaskContext> seen = new AtomicReference<>();
        AtomicReference<Event> finish = new AtomicReference<>();
        TaskId<Void> look = cpuTask("look", Void.class, (ctx, a) -> {
            seen.set(ctx);
            finish.set(ctx.finishEvent());
            assertThatThrownBy(() -> ctx.backend(String.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.String");
        });
        Event done = cpu.spawn(look, null);
        done.await();
        assertThat(seen.get().processor()).isEqualTo(cpu);
        assertThat(seen.get().kairos()).isSameAs(kairos);
        assertThat(finish.get()).isSameAs(done);
    }

    /** Realm's tutorial: the main task spawns the batches on the one CPU processor and waits for them. */
    @Test
    void aTaskThatAwaitsFreesItsOnlyProcessorForTheTasksItWaitsOn() {
        Kairos single = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).systemMemory(4096).build());
        try (single) {
            Processor only = single.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            AtomicInteger children = new AtomicInteger();
            TaskId<Integer> child = single.registerTask("child", Integer.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, i) -> children.incrementAndGet()));
            TaskId<Void> main = single.registerTask("main", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
                Event previous = Event.NO_EVENT;
                for (int i = 0; i < 100; i++) {
                    previous = ctx.processor().spawn(child, i, previous);
                }
                previous.await(); // must not deadlock: the children need this very processor
            }));
            only.spawn(main, null).await();
            assertThat(children).hasValue(100);
        }
    }

    @Test
    void blockedTasksResumeWhenTheirEventsTriggerInAnyOrder() {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<UserEvent> gates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gates.add(kairos.createUserEvent());
        }
        TaskId<Integer> waiter = cpuTask("waiter", Integer.class, (ctx, i) -> {
            gates.get(i).await();
            order.add(i);
        });
        List<Event> done = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            done.add(cpu.spawn(waiter, i));
        }
        TaskId<Void> opener = cpuTask("opener", Void.class, (ctx, a) -> {
            gates.get(2).trigger();
            gates.get(0).trigger();
            gates.get(1).trigger();
        });
        cpu.spawn(opener, null, Event.NO_EVENT);
        Event.merge(done).await();
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aTimedAwaitInsideATaskReturnsPendingAndKeepsGoing() {
        UserEvent never = kairos.createUserEvent();
        AtomicReference<Event.Status> status = new AtomicReference<>();
        TaskId<Void> impatient = cpuTask("impatient", Void.class, (ctx, a) -> status.set(never.await(Duration.ofMillis(30))));
        cpu.spawn(impatient, null).await();
        assertThat(status).hasValue(Event.Status.PENDING);
        never.trigger();
    }

    @Test
    void awaitingAPoisonedEventInsideATaskFailsTheTask() {
        UserEvent doomed = kairos.createUserEvent();
        TaskId<Void> dependent = cpuTask("dependent", Void.class, (ctx, a) -> doomed.await());
        Event done = cpu.spawn(dependent, null);
        doomed.cancel();
        assertThatThrownBy(done::await).isInstanceOf(PoisonedEventException.class)
                .hasCauseInstanceOf(PoisonedEventException.class);
    }

    @Test
    void amongReadyTasksTheHighestPriorityRunsFirstAndEqualsRunInOrder() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        TaskId<String> record = cpuTask("record", String.class, (ctx, s) -> order.add(s));
        UserEvent gate = kairos.createUserEvent();
        TaskId<Void> hold = cpuTask("hold", Void.class, (ctx, a) -> {
            while (!gate.hasTriggered()) {
                Thread.onSpinWait(); // keep the processor busy, without blocking, while the rest queue up
            }
        });
        Event held = cpu.spawn(hold, null);
        List<Event> all = new ArrayList<>();
        all.add(cpu.spawn(record, "low-a", Event.NO_EVENT, -1, ProfilingRequestSet.NONE));
        all.add(cpu.spawn(record, "mid-a", Event.NO_EVENT, 0, ProfilingRequestSet.NONE));
        all.add(cpu.spawn(record, "high", Event.NO_EVENT, 5, ProfilingRequestSet.NONE));
        all.add(cpu.spawn(record, "mid-b", Event.NO_EVENT, 0, ProfilingRequestSet.NONE));
        all.add(cpu.spawn(record, "low-b", Event.NO_EVENT, -1, ProfilingRequestSet.NONE));
        gate.trigger();
        held.await();
        Event.merge(all).await();
        assertThat(order).containsExactly("high", "mid-a", "mid-b", "low-a", "low-b");
    }

    @Test
    void manyThreadsSpawningOnOneProcessorLoseNothing() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        TaskId<Void> count = cpuTask("count", Void.class, (ctx, a) -> runs.incrementAndGet());
        List<Event> done = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    done.add(cpu.spawn(count, null));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Event.merge(done).await();
        assertThat(runs).hasValue(20_000);
    }

    @Test
    void profilingReportsTheTimelineAndStatusOfATask() throws Exception {
        var responses = new java.util.concurrent.LinkedBlockingQueue<ProfilingResponse>();
        ProfilingRequestSet prs = ProfilingRequestSet.builder()
                .measure(OperationTimeline.class, OperationStatus.class)
                .onResponse(responses::add)
                .build();
        TaskId<Void> work = cpuTask("work", Void.class, (ctx, a) -> {});
        Event done = cpu.spawn(work, null, Event.NO_EVENT, 0, prs);
        done.await();
        ProfilingResponse r = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.subject()).isSameAs(done);
        OperationTimeline t = r.get(OperationTimeline.class).orElseThrow();
        assertThat(t.created()).isPositive();
        assertThat(t.ready()).isGreaterThanOrEqualTo(t.created());
        assertThat(t.started()).isGreaterThanOrEqualTo(t.ready());
        assertThat(t.ended()).isGreaterThanOrEqualTo(t.started());
        assertThat(t.completed()).isGreaterThanOrEqualTo(t.ended());
        assertThat(r.get(OperationStatus.class).orElseThrow().result()).isEqualTo(OperationStatus.Result.COMPLETED_SUCCESSFULLY);
    }
}
