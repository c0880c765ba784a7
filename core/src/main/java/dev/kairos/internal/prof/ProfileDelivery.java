package dev.kairos.internal.prof;

import dev.kairos.ProfilingRequestSet;
import dev.kairos.ProfilingResponse;
import dev.kairos.internal.Failures;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the profiling handlers ({@code ProfilingRequestSet.onResponse}) of one runtime on a thread
 * of their own. A handler is user code that may be slow or block; on a processor it would hold up
 * the copies and tasks queued behind it, and {@code close()} with them. Here it delays only the
 * responses after it. One thread keeps the responses in the order they were produced (an
 * instance's allocation result before its timeline); it is a virtual thread, started on the first
 * response, so a runtime that never profiles pays nothing.
 */
public final class ProfileDelivery {
    private static final Logger log = LoggerFactory.getLogger(ProfileDelivery.class);

    private final String owner;
    private final ExecutorService executor;

    /** @param owner the runtime, for messages and the thread's name */
    public ProfileDelivery(String owner) {
        this.owner = owner;
        this.executor = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("kairos-" + owner + "-profiling").factory());
    }

    /** Queues {@code response} for the request's handler. Any thread; never blocks. */
    public void deliver(ProfilingRequestSet requests, ProfilingResponse response) {
        try {
            executor.execute(() -> handle(requests, response));
        } catch (RejectedExecutionException e) {
            // Only an operation abandoned by close() can end after it: its response has no one left to go to.
            log.debug("{} is closed: dropped the profiling response for {}", owner, response.subject());
        }
    }

    private void handle(ProfilingRequestSet requests, ProfilingResponse response) {
        try {
            requests.handler().accept(response);
        } catch (Throwable t) {
            Failures.warn(log, "a profiling handler of " + owner + " failed on the response for " + response.subject(), t);
        }
    }

    /**
     * Accepts no more responses and waits for the queued ones to be handled, at most {@code grace}.
     *
     * @return false if a handler was still running when the grace period ended; it is left to finish
     */
    public boolean close(Duration grace) {
        executor.shutdown();
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(grace);
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // close() finishes its job; the caller sees the flag again
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
