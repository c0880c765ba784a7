package dev.kairos.internal.proc;

import dev.kairos.internal.Failures;
import dev.kairos.internal.event.Awaiter;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.mem.HostLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of a processor (Agrona's agent runner around the processor's duty cycle). At any time
 * at most one worker of a processor holds its baton and runs its work; the others are blocked
 * inside a task body ({@code Event.await}) or parked as spares.
 *
 * <p>The thread comes from the processor's driver ({@code ProcessorDriver.newWorkerThread}): a
 * virtual thread for CPU processors, so a body blocked in {@code await} costs no platform thread,
 * and a platform thread for a GPU processor, whose device context is bound to the thread. The
 * worker is not a {@code Thread} subclass for that reason; it binds itself as the thread's
 * {@link Awaiter} instead. A test thread can act as a worker too ({@link Invoker}).
 */
final class Worker implements Runnable, Awaiter, HostLease.Site {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    final ProcessorImpl processor;
    final String name;
    final Thread thread;
    final SpinThenPark idle;

    /**
     * Whether this worker holds the processor. Written by the worker handing the baton over (after
     * all its writes to the processor's local queues) and read by this worker: the volatile pair
     * is what makes the hand-over safe.
     */
    volatile boolean hasBaton;

    /**
     * The work this worker is running, set while it holds the baton and kept while a body it runs
     * is blocked. Written by this worker only; read racily by {@code close()}'s report.
     */
    Work current;

    /**
     * The instance bytes lent to the body running (or blocked) on this thread, made on its first
     * accessor segment and kept for the next body once ended. Here rather than in the task: a task
     * is allocated per spawn, and its size is part of the task rate (see {@link TaskOp}).
     * Used on this worker's thread only.
     */
    private HostLease lease;

    /** A worker on a new thread from the driver, not started. */
    Worker(ProcessorImpl processor, String name, long spinNanos) {
        this.processor = processor;
        this.name = name;
        this.idle = new SpinThenPark(spinNanos);
        this.thread = processor.driver().newWorkerThread(name, this);
    }

    /** A worker on the calling thread, which runs the processor's work itself. */
    Worker(ProcessorImpl processor, String name, Thread caller) {
        this.processor = processor;
        this.name = name;
        this.idle = new SpinThenPark(0);
        this.thread = caller;
    }

    @Override
    public void run() {
        ScopedValue.where(Awaiter.CURRENT, this).run(this::serve);
    }

    private void serve() {
        try {
            processor.driver().onWorkerStart(processor);
        } catch (Throwable t) {
            // Keep serving the queue: tasks then fail through their driver with the real reason
            // instead of waiting forever on a worker that is gone.
            Failures.error(log, "Kairos worker " + name + " of " + processor + " could not start its backend context;"
                    + " its tasks will likely fail", t);
        }
        try {
            while (processor.awaitBaton(this)) {
                processor.runLoop(this);
                if (hasBaton || !processor.addSpare(this)) {
                    return; // the processor stops and its queue is drained, or it has spares enough
                }
            }
        } finally {
            processor.workerEnded(this);
            try {
                processor.driver().onWorkerStop(processor);
            } catch (Throwable t) {
                Failures.warn(log, "Kairos worker " + name + " of " + processor + " could not release its backend context", t);
            }
        }
    }

    @Override
    public boolean awaitEvent(EventImpl event, long timeoutNanos, boolean interruptible) {
        return processor.block(this, event, timeoutNanos, interruptible);
    }

    /** Asked on this worker's own thread, where {@link #current} is the body running (or blocked) here. */
    @Override
    public HostLease lease() {
        if (!(current instanceof TaskOp<?>)) {
            return null;
        }
        if (lease == null) {
            lease = new HostLease();
        }
        return lease;
    }

    /** Ends what the body returning on this thread was lent, if anything: called as every body returns. */
    static void endLease() {
        if (HostLease.anyLent() && Awaiter.CURRENT.isBound() && Awaiter.CURRENT.get() instanceof Worker w && w.lease != null) {
            w.lease.end();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
