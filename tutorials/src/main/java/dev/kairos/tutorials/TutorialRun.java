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

/** Runs a {@link Plan} to the end and reports what happened, batch by batch. */
public final class TutorialRun {
    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * The outcome of a run.
     *
     * @param verified batches whose reader checked every value
     * @param failed batches that failed themselves (allocation refused, or the reader found a wrong value)
     * @param cancelled batches that never ran because an earlier batch failed
     * @param firstFailedBatch the number (counted from 1) of the first batch that failed, or 0
     * @param firstFailure what went wrong in that batch
     * @param memory the chosen memory's accounting after the run
     * @param scheduled time to schedule the chain before {@code start} (its first window)
     * @param ran time from triggering {@code start} to the last batch's end
     */
    public record Result(Plan plan, long verified, long failed, long cancelled, long firstFailedBatch,
            Optional<Throwable> firstFailure, MemoryStats memory, Duration scheduled, Duration ran) {

        public boolean allVerified() {
            return verified == plan.batches();
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
        return run(kairos, tasks, plan, progress, WINDOW);
    }

    /** As {@link #run(Kairos, Tasks, Plan, LongConsumer)}, with at most {@code window} batches scheduled ahead (at least 2). */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress, int window) {
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
            boolean more = chain.scheduled() < plan.batches();
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
        return new Result(plan, tally.verified, tally.failed, tally.cancelled, tally.firstFailedBatch,
                Optional.ofNullable(tally.firstFailure), plan.memory().stats(), Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
    }

    /** The outcome so far, batch by batch in chain order. */
    private static final class Tally {
        long finished;
        long verified;
        long failed;
        long cancelled;
        long firstFailedBatch;
        Throwable firstFailure;
        /** The failure of the batch before, to tell a batch that failed from one its poison cancelled. */
        Throwable previous;

        void add(Event reader) {
            finished++;
            Throwable failure = reader.failure().orElse(null);
            if (failure == null) {
                verified++;
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
