package dev.kairos.internal.event;

import dev.kairos.internal.event.Merges.MergeEvent;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the waiters of triggered events, depth first and without recursion.
 *
 * <p>Triggering an event runs its waiters on the triggering thread, in the order they were
 * registered (the waiter stack is reversed once). A waiter may trigger further events (a merge
 * completing, a user event chained with {@code trigger(waitOn)}); their waiters run before the
 * next waiter of the outer event, as if the trigger had been a plain call. So a {@code destroy}
 * registered before a {@code create} on the same event frees its bytes before the create asks for
 * them, even when a merge stands between the event and the destroy.
 *
 * <p>Running nested triggers as calls would make the stack grow with the length of a chain, so
 * each thread has one dispatcher with an explicit stack of frames: a frame is the events one waiter
 * triggered, in order. A frame is popped before its last waiter runs, so a chain of events with one
 * waiter each never grows the stack past one frame.
 *
 * <p>Arrivals at a wide merge created on this thread are counted here, without an atomic operation
 * each (see {@link MergeEvent}): the dispatcher holds them and hands them to the merge at once when
 * they are its last, else when its loop ends.
 *
 * <p>Thread-confined: one instance per thread, never shared.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ThreadLocal<Dispatcher> LOCAL = ThreadLocal.withInitial(Dispatcher::new);

    private boolean running;

    /** Frame i is the queue of events heads[i] .. tails[i], linked through dispatchNext. */
    private EventImpl[] heads = new EventImpl[8];
    private EventImpl[] tails = new EventImpl[8];
    private int top = -1;

    /** Events triggered by the waiter running now: they become a frame when it returns. */
    private EventImpl triggeredHead;
    private EventImpl triggeredTail;

    /** Merges whose arrivals this dispatcher holds; handed over when the loop ends. */
    private MergeEvent[] holding = new MergeEvent[16];
    private int holdingCount;

    static Dispatcher current() {
        return LOCAL.get();
    }

    /** Runs the waiters of {@code event}: now, or, if a waiter of this thread triggered it, right after that waiter. */
    void dispatch(EventImpl event, Node lifoWaiters) {
        event.dispatchList = reverse(lifoWaiters);
        if (running) {
            if (triggeredTail == null) {
                triggeredHead = event;
            } else {
                triggeredTail.dispatchNext = event;
            }
            triggeredTail = event;
            return;
        }
        running = true;
        try {
            push(event, event);
            do {
                drain();
                releaseHeldArrivals();
            } while (top >= 0);
        } finally {
            running = false;
        }
    }

    /** Whether the waiter running now is the last of this dispatch loop (no frame is left behind it). */
    boolean runningLastWaiter() {
        return top < 0;
    }

    /** Remembers that {@code merge} holds arrivals counted by this dispatcher. */
    void hold(MergeEvent merge) {
        if (holdingCount == holding.length) {
            holding = Arrays.copyOf(holding, holdingCount * 2);
        }
        holding[holdingCount++] = merge;
    }

    private void drain() {
        while (top >= 0) {
            runWaiters(heads[top]);
        }
    }

    /**
     * Runs the waiters of the top frame's first event until they are done or one triggers another
     * event (a new frame). A method of its own so that it is compiled as a whole method, called
     * once per event, rather than only as part of a loop that spans a whole dispatch.
     */
    private void runWaiters(EventImpl event) {
        Poison poison = event.poison();
        Node waiter = event.dispatchList;
        for (;;) {
            Node next = waiter.waiterNext;
            if (waiter instanceof MergeBlock block) {
                int slot = block.cursor++;
                boolean lastSlot = block.cursor == block.size;
                if (lastSlot && next == null) {
                    popLastWaiter(event);
                }
                MergeEvent merge = block.take(slot);
                if (merge != null) {
                    arrive(merge, event, poison);
                }
                if (!lastSlot) {
                    if (triggeredHead != null) {
                        event.dispatchList = block; // resume at the block's cursor
                        pushTriggered();
                        return;
                    }
                    continue;
                }
            } else {
                waiter.waiterNext = null; // a waiter may outlive this dispatch: it must not keep the rest alive
                if (next == null) {
                    popLastWaiter(event);
                }
                notify(waiter, event, poison);
            }
            if (triggeredHead != null) {
                if (next != null) {
                    event.dispatchList = next;
                }
                pushTriggered();
                return;
            }
            if (next == null) {
                return;
            }
            waiter = next;
        }
    }

    /** Before the last waiter of the top frame's first event runs: on to the frame's next event. */
    private void popLastWaiter(EventImpl event) {
        event.dispatchList = null;
        EventImpl following = event.dispatchNext;
        event.dispatchNext = null;
        heads[top] = following;
        if (following == null) {
            tails[top] = null;
            top--; // popped before the waiter runs: chains stay one frame deep
        }
    }

    private void arrive(MergeEvent merge, EventImpl event, Poison poison) {
        try {
            merge.arriveFrom(this, poison);
        } catch (Throwable t) {
            log.error("Kairos internal error: merge {} waiting on {} threw", merge, event, t);
        }
    }

    private void notify(Node waiter, EventImpl event, Poison poison) {
        try {
            if (waiter instanceof Merges.Input input) {
                input.merged.arriveFrom(this, poison); // no virtual call, no atomic count (see MergeEvent)
            } else if (waiter instanceof UserEventImpl.Forwarder forwarder) {
                forwarder.target.finishFrom(this, poison); // trigger(waitOn): no virtual call, no thread-local lookup
            } else {
                waiter.onTrigger(event, poison);
            }
        } catch (Throwable t) {
            // A waiter that throws is a runtime bug; keep dispatching so one bug does not strand
            // every operation behind the same event.
            log.error("Kairos internal error: waiter {} of {} threw", waiter, event, t);
        }
    }

    /** Hands every held arrival to its merge; the merges this completes become a frame. */
    private void releaseHeldArrivals() {
        for (int i = 0; i < holdingCount; i++) {
            MergeEvent merge = holding[i];
            holding[i] = null;
            merge.releaseHeld(this);
        }
        holdingCount = 0;
        if (triggeredHead != null) {
            pushTriggered();
        }
    }

    private void pushTriggered() {
        EventImpl head = triggeredHead;
        EventImpl tail = triggeredTail;
        triggeredHead = null;
        triggeredTail = null;
        push(head, tail);
    }

    private void push(EventImpl head, EventImpl tail) {
        if (++top == heads.length) {
            heads = Arrays.copyOf(heads, top * 2);
            tails = Arrays.copyOf(tails, top * 2);
        }
        heads[top] = head;
        tails[top] = tail;
    }

    private static Node reverse(Node node) {
        Node reversed = null;
        while (node != null) {
            Node next = node.waiterNext;
            if (node instanceof MergeBlock block) {
                block.close(); // no merge joins once the event has triggered: they see it terminal
            }
            node.waiterNext = reversed;
            reversed = node;
            node = next;
        }
        return reversed;
    }
}
