package dev.kairos.bench;

import dev.kairos.Event;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event graph on one thread: creating an event, registering waiters and triggering it; and a
 * merge of pending inputs, built and triggered. The waiters are runtime-internal {@link Node}s that
 * count, so what is measured is the event's own cost, not a task's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class EventBenchmarks {

    /** A waiter that counts its notifications; reusable, as a trigger unlinks it. */
    static final class Counter extends Node {
        long count;

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            count++;
        }
    }

    @State(Scope.Thread)
    public static class Waiters {
        @Param({"0", "1", "16"})
        public int waiters;

        Counter[] counters;

        @Setup
        public void setUp() {
            counters = new Counter[waiters];
            for (int i = 0; i < waiters; i++) {
                counters[i] = new Counter();
            }
        }
    }

    /** One new event, {@code waiters} waiters registered, one trigger that runs them. */
    @Benchmark
    public EventImpl trigger(Waiters w) {
        EventImpl e = new EventImpl();
        for (Counter c : w.counters) {
            e.addWaiter(c);
        }
        e.triggerNow();
        return e;
    }

    @State(Scope.Thread)
    public static class MergeInputs {
        @Param({"2", "16"})
        public int inputs;
    }

    /** {@code inputs} pending events, their merge (public API), and the triggers that complete it. */
    @Benchmark
    public Event merge(MergeInputs m) {
        EventImpl[] in = new EventImpl[m.inputs];
        for (int i = 0; i < in.length; i++) {
            in[i] = new EventImpl();
        }
        Event merged = Event.merge(in);
        for (EventImpl e : in) {
            e.triggerNow();
        }
        return merged;
    }

    /** The public user event: create, trigger, no waiter. */
    @Benchmark
    public Event userEvent(KairosState k) {
        var e = k.kairos.createUserEvent();
        e.trigger();
        return e;
    }
}
