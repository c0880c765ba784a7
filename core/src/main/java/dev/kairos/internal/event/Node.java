package dev.kairos.internal.event;

/**
 * A node of the runtime's two intrusive lists: an event's waiter stack and a processor's ready
 * queue. Operations (tasks, allocations, copies) extend it so that waiting on a precondition and
 * becoming ready allocate nothing. A node sits in at most one waiter stack and at most one ready
 * queue at a time.
 */
public abstract class Node {

    /**
     * Link in an event's waiter stack. Written before the CAS that pushes this node and read only
     * by the thread that swapped the stack out, so the CAS publishes it; no ordering of its own.
     */
    Node waiterNext;

    /** Link in a {@link MpscNodeQueue}; written and read through that queue's VarHandle. */
    volatile Node queueNext;

    /**
     * Called exactly once when the event this node waits on leaves the pending state. Runs on the
     * thread that triggered the event, inside its dispatch loop: it must be quick, must not block,
     * and must not throw. Anything heavier belongs on a processor's queue.
     *
     * @param source the event that triggered
     * @param poison the poison if {@code source} was poisoned, else null
     */
    protected abstract void onTrigger(EventImpl source, Poison poison);
}
