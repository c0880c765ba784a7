package dev.kairos.internal.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.internal.op.Operation;
import dev.kairos.testing.InProcessTestBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A processor stepped on the test thread, one unit of work at a time (Agrona's AgentInvoker). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class ProcessorStepTest {

    /** Runtime work that fails: what a bug in an operation type would look like to the worker. */
    private static final class Broken extends Operation implements Work {
        Broken(KairosRuntime runtime) {
            super(runtime.operations(), runtime.profiling(), ProfilingRequestSet.NONE);
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public void execute(Worker worker) {
            throw new IllegalStateException("a bug in the runtime");
        }
    }

    private static ProcessorImpl cpu(Kairos kairos) {
        return (ProcessorImpl) kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
    }

    @Test
    void eachInvokeRunsOneReadyUnitOfWorkOnTheCallingThread() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            ProcessorImpl cpu = cpu(kairos);
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            TaskId<String> record = kairos.registerTask("record", String.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, s) -> ran.add(s + "@" + Thread.currentThread().getName())));
            Event last;
            String me = Thread.currentThread().getName();
            try (Invoker invoker = cpu.takeOver()) {
                cpu.spawn(record, "a");
                cpu.spawn(record, "b");
                assertThat(ran).isEmpty();
                assertThat(invoker.invoke()).isTrue();
                assertThat(ran).containsExactly("a@" + me);
                assertThat(invoker.invoke()).isTrue();
                assertThat(invoker.invoke()).as("nothing left").isFalse();
                assertThat(ran).containsExactly("a@" + me, "b@" + me);
                last = cpu.spawn(record, "c");
            }
            last.await(); // the processor is back with a worker thread
            assertThat(ran).hasSize(3).last().asString().startsWith("c@kairos-cpu0-");
        }
    }

    /** Worker threads of proc:cpu0 alive now (the test backend's workers are platform threads). */
    private static long cpu0Workers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("kairos-cpu0-")).count();
    }

    @Test
    void sparesBeyondAFewEndOnceTheBodiesThatNeededThemHaveResumed() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            ProcessorImpl cpu = cpu(kairos);
            UserEvent gate = kairos.createUserEvent();
            TaskId<Void> waiter = kairos.registerTask("waiter", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> gate.await()));
            List<Event> done = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                done.add(cpu.spawn(waiter, null));
            }
            cpu.spawn(kairos.registerTask("probe", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {})), null).await();
            assertThat(cpu0Workers()).as("one worker per blocked body, and one running").isGreaterThanOrEqualTo(101);
            gate.trigger();
            Event.merge(done).await();
            while (cpu0Workers() > 5) { // the others end on their own once they find enough spares parked
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    @Test
    void aFailureOfTheRuntimeWhileRunningAnOperationPoisonsItAndTheNextUnitRuns() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            ProcessorImpl cpu = cpu(kairos);
            TaskId<Void> noop = kairos.registerTask("noop", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
            try (Invoker invoker = cpu.takeOver()) {
                Broken broken = new Broken(cpu.runtime());
                cpu.enqueue(broken);
                Event next = cpu.spawn(noop, null);
                assertThat(invoker.invoke()).isTrue();
                assertThat(broken.failure()).get().isInstanceOf(IllegalStateException.class).hasFieldOrPropertyWithValue("message",
                        "a bug in the runtime");
                assertThat(invoker.invoke()).isTrue();
                assertThat(next.status()).isEqualTo(Event.Status.TRIGGERED);
            }
        }
    }
}
