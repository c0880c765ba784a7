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
     * A new worker thread for this processor, not started, that runs {@code worker} and nothing
     * else. A processor starts one worker, and one more each time a task body blocks in
     * {@code Event.await} with no spare worker parked (the blocked body keeps its thread; another
     * runs the processor meanwhile).
     *
     * <p>The default is a platform daemon thread, which a driver that binds state to its threads in
     * {@link #onWorkerStart} (a CUDA context) needs. A driver without such state should return a
     * virtual thread ({@code Thread.ofVirtual().name(name).unstarted(worker)}): a body blocked in
     * {@code await} then costs no platform thread. If this method throws, or the thread fails to
     * start, the processor keeps its current worker and the {@code await} that needed the new one
     * fails with the reason.
     */
    default Thread newWorkerThread(String name, Runnable worker) {
        return Thread.ofPlatform().name(name).daemon(true).unstarted(worker);
    }

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
