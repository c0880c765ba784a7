package dev.kairos.internal.event;

/**
 * A node of the runtime's two intrusive lists: an event's waiter stack and a processor's ready
 * queue. Operations (tasks, allocations, copies) extend it so that waiting on a precondition and
 * becoming ready allocate nothing. A node sits in at most one waiter stack and at most one ready
 * queue at a time.
 *
 * <p><b>The waiter protocol.</b> An event tells each node of its waiter stack that it finished
 * through one method, {@link #tryFire}, in the spirit of {@code CompletableFuture}'s {@code
 * Completion.tryFire(mode)}: the mode is the {@link Dispatcher} running the event's waiters on this
 * thread, passed down so that a node completing further events hands them to the same dispatch
 * without looking it up again, or null when the event had already finished as the node came to
 * wait and the registering thread tells it at once. Operations outside this package implement
 * {@link #onTrigger}, which the default {@code tryFire} calls; the event graph's own nodes (a
 * merge's input, a block of merges, a chained user event's forwarder) override {@code tryFire}
 * itself, so neither the dispatcher nor an event knows their types. Registering a merge asks the
 * node on top of the stack how the merge joins it ({@link #withMerge}), which is how merges pack
 * into {@link MergeBlock}s.
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

    /**
     * Tells this node that {@code source}, which it waits on, finished.
     *
     * @param dispatcher the dispatcher running {@code source}'s waiters on this thread, or null when
     *     {@code source} had finished before this node could wait on it and the registering thread
     *     tells it directly (a node that only ever sits in a waiter stack never sees null)
     * @param poison the poison if {@code source} was poisoned, else null
     * @return true once this node has told everything it holds; false if it stopped early because
     *     what it told triggered further events (whose waiters run first, depth first) and must be
     *     fired again, where it left off, after them. Only a node that holds several waiters (a
     *     {@link MergeBlock}) returns false, and only inside a dispatch.
     */
    boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
        onTrigger(source, poison);
        return true;
    }

    /**
     * Registering {@code merge} on an event whose waiter stack has this node on top: the node to
     * push above this one; or this node itself when it took the merge in; or null when it could not
     * because the event triggered meanwhile (then the registering thread tells the merge itself).
     */
    Node withMerge(Merges.MergeEvent merge) {
        return merge.newWaiter();
    }
}
