package dev.kairos.spi;

import dev.kairos.Processor;

/**
 * What a backend does around the task bodies of one of its processors. Every method runs on one of
 * the processor's worker threads; only one of them runs tasks at a time.
 */
public interface ProcessorDriver {

    /** Once on each worker thread before it runs a task, e.g. to make a device context current. */
    default void onWorkerStart(Processor processor) {}

    /** Once on each worker thread when the processor stops. */
    default void onWorkerStop(Processor processor) {}

    /**
     * Runs one task and arranges its completion. The default runs the body on this thread and
     * completes the task when the body returns, or fails it with what the body threw. A GPU driver
     * runs the body (which enqueues device work) and completes the task when that work is done.
     */
    default void execute(RunningTask task) {
        try {
            task.runBody();
        } catch (Throwable t) {
            task.fail(t);
            return;
        }
        task.complete();
    }

    /**
     * The backend context behind {@code TaskContext.backend(type)} for {@code task}, or null if this
     * processor has none of that type.
     */
    default <T> T context(Class<T> type, RunningTask task) {
        return null;
    }
}
