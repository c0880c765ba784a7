package dev.kairos.tutorials;

import dev.kairos.tutorials.DeferredAllocation.Batch;
import java.util.concurrent.CancellationException;

/**
 * A request that a tutorial run end early, made from any thread (a shutdown hook's, say). Once it is
 * requested, each writer registered with it ({@link DeferredAllocation#register(dev.kairos.Kairos, Stop)})
 * fails with {@link StoppedException} instead of writing, which cancels every batch after its own
 * (each waits on the one before), and {@link TutorialRun#run} schedules no more batches: the run ends
 * once the writer and reader already running have finished, however many batches were asked for.
 */
public final class Stop {
    private volatile boolean requested;

    /** Asks the run to stop; later calls do nothing more. */
    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** What a writer runs first. @throws StoppedException if a stop was requested: the batch must not run */
    void check(Batch batch) throws StoppedException {
        if (requested) {
            throw new StoppedException(batch.number());
        }
    }

    /**
     * What the writer of the first batch a stop kept from running throws, and so the poison of that
     * batch and of every batch after it. A {@link CancellationException}: the runtime takes it for
     * a task cancelled by its program, not a failure to warn about.
     */
    public static final class StoppedException extends CancellationException {
        private static final long serialVersionUID = 1L;

        StoppedException(long batch) {
            super("batch " + batch + " not run: the run was asked to stop");
        }
    }
}
