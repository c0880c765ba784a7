package dev.kairos.internal.op;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The operations of one runtime that are outstanding (admitted and not yet finished), and whether
 * it still accepts new ones: what {@code close()} waits for and how it refuses new work.
 *
 * <p>Two counters rather than one: {@code finished} only grows, so {@code close()} can tell that
 * operations are still finishing (progress) from a count that merely stays level while work comes
 * and goes. Each is a {@link LongAdder}, one uncontended increment per admission and per end, as
 * the single counter was.
 *
 * <p><b>Refusal without loss.</b> An admission increments {@code admitted}, then reads the phase; a
 * closer writes the phase, then reads {@code admitted}. All four accesses are volatile, so either
 * the submitter sees the closing phase (and withdraws its admission: refused at once) or the closer
 * sees the admission (and waits for the operation): accepted work is never dropped.
 */
public final class Operations {
    /** Where a runtime is in its life. */
    public enum Phase {
        /** Accepts work from anyone. */
        OPEN,
        /** {@code close()} is draining: only the runtime's own tasks may still submit. */
        CLOSING,
        /** Accepts nothing. */
        CLOSED
    }

    private final LongAdder admitted = new PaddedAdder();
    private final LongAdder finished = new PaddedAdder();
    private final String owner;
    private final BooleanSupplier onOwnThread;
    private volatile Phase phase = Phase.OPEN;

    /**
     * @param owner the runtime, for messages
     * @param onOwnThread whether the calling thread runs a task of this runtime (it may submit while closing)
     */
    public Operations(String owner, BooleanSupplier onOwnThread) {
        this.owner = owner;
        this.onOwnThread = onOwnThread;
    }

    /** Counts a new operation as outstanding. @throws IllegalStateException if the runtime refuses work now */
    void admit() {
        admitted.increment();
        if (phase != Phase.OPEN && !accepting()) {
            admitted.decrement(); // never started: as if it had not been submitted
            throw refusal();
        }
    }

    void finished() {
        finished.increment();
    }

    /**
     * Refuses a submission that is not an operation (a user event, a task registration) on the same
     * terms as {@link #admit}.
     *
     * @throws IllegalStateException if the runtime refuses work now
     */
    public void checkAccepting() {
        if (phase != Phase.OPEN && !accepting()) {
            throw refusal();
        }
    }

    private boolean accepting() {
        Phase p = phase;
        return p == Phase.OPEN || (p == Phase.CLOSING && onOwnThread.getAsBoolean());
    }

    private IllegalStateException refusal() {
        return phase == Phase.CLOSED
                ? new IllegalStateException(owner + " is closed: it accepts no new work")
                : new IllegalStateException(owner + " is closing: it accepts new work only from its own tasks until the"
                        + " work accepted before close() has finished");
    }

    public Phase phase() {
        return phase;
    }

    public void enter(Phase next) {
        phase = next;
    }

    /** Operations admitted and not yet finished; exact once nothing is admitted concurrently. */
    public long outstanding() {
        long done = finished.sum(); // first: an operation is admitted before it finishes, so this never goes negative
        return admitted.sum() - done;
    }

    /** Operations finished so far: grows while anything makes progress. */
    public long finishedCount() {
        return finished.sum();
    }

    /**
     * A {@link LongAdder} followed by two cache lines of padding. Uncontended, an adder counts in
     * one field of its own object ({@code base}), and the two adders above, allocated one after the
     * other, would share a cache line: a thread submitting work and a worker finishing it would pass
     * that line back and forth on every operation although neither touches the other's counter.
     * The JVM lays a subclass's fields after its superclass's, so the padding follows {@code base}
     * whichever of the two adders comes first in memory.
     */
    @SuppressWarnings("unused")
    private static final class PaddedAdder extends LongAdder {
        private long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    }
}
