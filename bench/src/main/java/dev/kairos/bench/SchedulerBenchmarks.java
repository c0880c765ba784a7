package dev.kairos.bench;

import dev.kairos.Event;
import dev.kairos.UserEvent;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.MpscNodeQueue;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Tasks on one CPU processor, spawned from the benchmark thread (not a worker): latency from
 * spawn to the task's end on a processor that is spinning or parked, the cost per task of
 * batches of spawns (with {@code -prof gc}: bytes allocated per task), and the ready queue alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SchedulerBenchmarks {
    static final int BATCH = 10_000;

    /**
     * Spawn one empty task and wait for it, back to back: the worker is still spinning from the
     * last task (it spins 50 µs before parking), so this is the hot hand-off.
     */
    @Benchmark
    public void spawnToRunSpinning(KairosState k) {
        k.cpu.spawn(k.empty, null).await();
    }

    /** Lets the worker park before each spawn: the invocation-level pause is not measured. */
    @State(Scope.Thread)
    public static class Parked {
        @Setup(Level.Invocation)
        public void letTheWorkerPark() {
            LockSupport.parkNanos(300_000);
        }
    }

    /** Spawn one empty task on a processor whose worker has parked, and wait for it: includes the unpark. */
    @Benchmark
    public void spawnToRunParked(KairosState k, Parked parked) {
        k.cpu.spawn(k.empty, null).await();
    }

    /** Per task: {@value #BATCH} empty tasks spawned without precondition, then the last awaited. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Event spawnUngated(KairosState k) {
        Event last = null;
        for (int i = 0; i < BATCH; i++) {
            last = k.cpu.spawn(k.empty, null);
        }
        last.await();
        return last;
    }

    /** Per task: {@value #BATCH} tasks spawned behind one user event, which is then triggered, and the last awaited. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Event spawnGated(KairosState k) {
        UserEvent gate = k.kairos.createUserEvent();
        Event last = null;
        for (int i = 0; i < BATCH; i++) {
            last = k.cpu.spawn(k.empty, null, gate);
        }
        gate.trigger();
        last.await();
        return last;
    }

    /** Per task: a chain of {@value #BATCH} tasks, each waiting on the one before, behind one user event. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Event spawnChained(KairosState k) {
        UserEvent gate = k.kairos.createUserEvent();
        Event last = gate;
        for (int i = 0; i < BATCH; i++) {
            last = k.cpu.spawn(k.empty, null, last);
        }
        gate.trigger();
        last.await();
        return last;
    }

    /** A ready-queue entry; never waits on an event. */
    static final class Entry extends Node {
        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("a queue entry never waits");
        }
    }

    @State(Scope.Thread)
    public static class OneThreadQueue {
        final MpscNodeQueue queue = new MpscNodeQueue();
        final Entry entry = new Entry();
    }

    /** The ready queue's own cost on one thread: one offer and one poll. */
    @Benchmark
    public Node queueOfferPoll(OneThreadQueue q) {
        q.queue.offer(q.entry);
        return q.queue.poll();
    }

    /**
     * The ready queue between two threads: a producer offers fresh entries, the consumer polls.
     * Each side counts in its own state; every 1 024 entries the consumer publishes its count and
     * the producer checks it, staying at most 64 Ki entries ahead, so the queue stays bounded
     * without a shared counter on every operation. The producer's score is the hand-off rate; the
     * consumer's also counts empty polls.
     */
    @State(Scope.Group)
    public static class SharedQueue {
        final MpscNodeQueue queue = new MpscNodeQueue();
        volatile long polledPublished;
    }

    /** A count owned by one thread of the group (JMH pads states, so the two do not share a line). */
    @State(Scope.Thread)
    public static class Count {
        long value;
    }

    @Benchmark
    @Group("queueHandOff")
    @GroupThreads(1)
    public void producer(SharedQueue q, Count offered, Control control) {
        if ((offered.value & 1023) == 0) {
            while (offered.value - q.polledPublished > 65_536) {
                if (control.stopMeasurement) {
                    return; // the consumer may have stopped already
                }
                Thread.onSpinWait();
            }
        }
        q.queue.offer(new Entry());
        offered.value++;
    }

    @Benchmark
    @Group("queueHandOff")
    @GroupThreads(1)
    public Node consumer(SharedQueue q, Count polled) {
        Node n = q.queue.poll();
        if (n != null && (++polled.value & 1023) == 0) {
            q.polledPublished = polled.value;
        }
        return n;
    }
}
