package dev.kairos.tutorials;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.MemoryStats;
import dev.kairos.tutorials.DeferredAllocation.Chain;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.DeferredAllocation.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/** Runs a {@link Plan} to the end, or until it is asked to {@link Stop}, and reports what happened, batch by batch. */
public final class TutorialRun {
    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * The outcome of a run.
     *
     * @param verified batches whose reader checked every value
     * @param failed batches that failed themselves (allocation refused, or the reader found a wrong value)
     * @param cancelled batches that never ran because an earlier batch failed
     * @param stopped whether the run was asked to stop before its last batch finished: the batches
     *     neither verified, failed nor cancelled ({@link #notRun()}) never ran
     * @param firstFailedBatch the number (counted from 1) of the first batch that failed, or 0
     * @param firstFailure what went wrong in that batch
     * @param memory the chosen memory's accounting after the run
     * @param scheduled time to schedule the chain before {@code start} (its first window)
     * @param ran time from triggering {@code start} to the last batch's end
     */
    public record Result(Plan plan, long verified, long failed, long cancelled, boolean stopped, long firstFailedBatch,
            Optional<Throwable> firstFailure, MemoryStats memory, Duration scheduled, Duration ran) {

        public boolean allVerified() {
            return verified == plan.batches();
        }

        /** Batches a stop kept from running: 0 unless {@link #stopped()}. */
        public long notRun() {
            return plan.batches() - verified - failed - cancelled;
        }
    }

    private TutorialRun() {}

    /**
     * Batches scheduled ahead of the last finished one, at most: about 64 MiB of heap for the
     * operations in flight, whatever the batch count.
     */
    public static final int WINDOW = 1 << 16;

    /**
     * Schedules {@code plan}, triggers it, waits for the last batch, and reports. The chain is
     * scheduled {@link #WINDOW} batches ahead at most: a window first, then half a window each time
     * half of one has finished, so the processor never waits for the scheduler and any batch count
     * runs in bounded heap.
     *
     * @param progress told the number of finished batches (verified or not) about every 50 ms while
     *     the run lasts, and at its end, from this thread
     */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress) {
        return run(kairos, tasks, plan, progress, WINDOW, new Stop());
    }

    /** As {@link #run(Kairos, Tasks, Plan, LongConsumer)}, with at most {@code window} batches scheduled ahead (at least 2). */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress, int window) {
        return run(kairos, tasks, plan, progress, window, new Stop());
    }

    /**
     * As {@link #run(Kairos, Tasks, Plan, LongConsumer)}, ending early once {@code stop} is requested:
     * it then schedules no more batches, and returns when those scheduled have finished, which the
     * writers of {@code tasks}, registered with the same {@code stop}, make quick: they no longer
     * run, and each batch after the first of them is cancelled.
     */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress, Stop stop) {
        return run(kairos, tasks, plan, progress, WINDOW, stop);
    }

    /** As {@link #run(Kairos, Tasks, Plan, LongConsumer, Stop)}, with at most {@code window} batches scheduled ahead (at least 2). */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress, int window, Stop stop) {
        if (window < 2) {
            throw new IllegalArgumentException("window=" + window + " must be >= 2");
        }
        long t0 = System.nanoTime();
        Chain chain = DeferredAllocation.chain(kairos, tasks, plan);
        List<Event> readers = new ArrayList<>(chain.scheduleNext(window));
        int next = 0; // the first reader not yet counted
        long t1 = System.nanoTime();
        chain.start().trigger();
        Tally tally = new Tally();
        while (tally.finished < plan.batches()) {
            while (next < readers.size() && readers.get(next).hasTriggered()) {
                tally.add(readers.get(next++));
            }
            if (stop.requested() && tally.finished == chain.scheduled()) {
                break;
            }
            boolean more = !stop.requested() && chain.scheduled() < plan.batches();
            if (readers.size() - next <= window / 2 && more) {
                readers.subList(0, next).clear();
                next = 0;
                readers.addAll(chain.scheduleNext(window / 2));
                continue;
            }
            progress.accept(tally.finished);
            // Batches end in chain order (each waits on the one before), so this thread waits for the
            // batch whose end lets it schedule the next half window, or for the last: one wake-up per
            // half window rather than one per batch, each of which took a core from the workers.
            readers.get(more ? readers.size() - window / 2 - 1 : readers.size() - 1).await(POLL);
        }
        long t2 = System.nanoTime();
        chain.freed().await(); // a destroy's bytes go back after its reader's event: count them back before reporting
        progress.accept(tally.finished);
        boolean stopped = tally.stopped > 0 || tally.finished < plan.batches();
        return new Result(plan, tally.verified, tally.failed, tally.cancelled, stopped, tally.firstFailedBatch,
                Optional.ofNullable(tally.firstFailure), plan.memory().stats(), Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
    }

    /** The outcome so far, batch by batch in chain order. */
    private static final class Tally {
        long finished;
        long verified;
        long failed;
        long cancelled;
        /** Batches whose writer, or an earlier batch's, found a stop requested: they never ran. */
        long stopped;
        long firstFailedBatch;
        Throwable firstFailure;
        /** The failure of the batch before, to tell a batch that failed from one its poison cancelled. */
        Throwable previous;

        void add(Event reader) {
            finished++;
            Throwable failure = reader.failure().orElse(null);
            if (failure == null) {
                verified++;
            } else if (failure instanceof Stop.StoppedException) {
                stopped++;
            } else if (failure == previous) {
                cancelled++; // the same poison travelled down the chain: this batch never ran
            } else {
                failed++;
                if (firstFailure == null) {
                    firstFailure = failure;
                    firstFailedBatch = finished;
                }
            }
            previous = failure;
        }
    }
}
