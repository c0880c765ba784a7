package dev.kairos.internal.proc;

import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.KairosThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of a processor. At any time at most one worker of a processor holds its baton and runs
 * tasks; the others are blocked inside a task body ({@code Event.await}) or parked as spares.
 */
final class Worker extends KairosThread {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    final ProcessorImpl processor;

    /**
     * Whether this worker holds the processor. Written by the worker handing the baton over (after
     * all its writes to the processor's local queues) and read by this worker: the volatile pair
     * is what makes the hand-over safe.
     */
    volatile boolean hasBaton;

    /** The work this worker is running now, while it holds the baton; for blocking inside it. */
    Work current;

    Worker(ProcessorImpl processor, String name) {
        super(name);
        this.processor = processor;
    }

    @Override
    public void run() {
        try {
            processor.driver().onWorkerStart(processor);
        } catch (Throwable t) {
            // Keep serving the queue: tasks then fail through their driver with the real reason
            // instead of waiting forever on a worker that is gone.
            log.error("Kairos worker {} of {} could not start its backend context; its tasks will likely fail", getName(),
                    processor, t);
        }
        try {
            while (processor.awaitBaton(this)) {
                processor.runLoop(this);
                if (hasBaton) {
                    return; // the processor is stopping and its queue is drained
                }
                processor.addSpare(this);
            }
        } catch (Throwable t) {
            log.error("Kairos worker {} of {} died; the processor cannot run tasks any more", getName(), processor, t);
            throw t;
        } finally {
            processor.driver().onWorkerStop(processor);
        }
    }

    @Override
    protected void awaitEvent(EventImpl event, long timeoutNanos) {
        processor.block(this, event, timeoutNanos);
    }
}
