package dev.kairos.tutorials;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.MemoryStats;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.DeferredAllocation.Schedule;
import dev.kairos.tutorials.DeferredAllocation.Tasks;
import java.time.Duration;
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
     * @param scheduled time to build the whole loop
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
     * Schedules {@code plan}, triggers it, waits for the last batch, and reports.
     *
     * @param progress told the number of finished batches (verified or not) as they finish, from this thread
     */
    public static Result run(Kairos kairos, Tasks tasks, Plan plan, LongConsumer progress) {
        long t0 = System.nanoTime();
        Schedule schedule = DeferredAllocation.schedule(kairos, tasks, plan);
        long t1 = System.nanoTime();
        schedule.start().trigger();
        List<Event> readers = schedule.readers();
        int finished = 0;
        while (finished < readers.size()) {
            if (readers.get(finished).hasTriggered()) {
                finished++;
                continue;
            }
            progress.accept(finished);
            readers.get(finished).await(POLL);
        }
        long t2 = System.nanoTime();
        schedule.freed().await(); // a destroy's bytes go back after its reader's event: count them back before reporting
        progress.accept(finished);
        return summarize(plan, readers, plan.memory().stats(), Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
    }

    private static Result summarize(Plan plan, List<Event> readers, MemoryStats stats, Duration scheduled, Duration ran) {
        long verified = 0;
        long failed = 0;
        long cancelled = 0;
        long firstFailedBatch = 0;
        Throwable firstFailure = null;
        Throwable previous = null;
        for (int i = 0; i < readers.size(); i++) {
            Throwable failure = readers.get(i).failure().orElse(null);
            if (failure == null) {
                verified++;
            } else if (failure == previous) {
                cancelled++; // the same poison travelled down the chain: this batch never ran
            } else {
                failed++;
                if (firstFailure == null) {
                    firstFailure = failure;
                    firstFailedBatch = i + 1;
                }
            }
            previous = failure;
        }
        return new Result(plan, verified, failed, cancelled, firstFailedBatch, Optional.ofNullable(firstFailure), stats,
                scheduled, ran);
    }
}
