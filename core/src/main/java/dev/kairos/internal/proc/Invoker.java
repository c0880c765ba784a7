package dev.kairos.internal.proc;

import dev.kairos.internal.event.Awaiter;

/**
 * A processor held by the calling thread and stepped one unit of work at a time (Agrona's
 * {@code AgentInvoker}): the same duty cycle a worker runs, without the worker's loop or idling, so
 * a test decides exactly what runs when. Obtained from {@link ProcessorImpl#takeOver()}, which
 * takes the processor from its worker; {@link #close()} hands it back to a worker thread.
 * Confined to the thread that took it over.
 */
final class Invoker implements AutoCloseable {
    private final ProcessorImpl processor;
    private final Worker worker;

    Invoker(ProcessorImpl processor, Worker worker) {
        this.processor = processor;
        this.worker = worker;
    }

    /**
     * Runs the next ready unit of work (a task, or a blocked task's resumption) on this thread, as
     * the worker would: the interrupt flag cleared first, a failure of the runtime caught and logged.
     *
     * @return false if nothing was ready
     */
    boolean invoke() {
        return ScopedValue.where(Awaiter.CURRENT, worker).call(() -> processor.doWork(worker));
    }

    /** Gives the processor back to a worker thread. */
    @Override
    public void close() {
        processor.release(worker);
    }
}
