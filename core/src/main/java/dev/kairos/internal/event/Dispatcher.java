package dev.kairos.internal.event;

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

    static Dispatcher current() {
        return Thread.currentThread() instanceof KairosThread thread ? thread.dispatcher : LOCAL.get();
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
            drain();
        } finally {
            running = false;
        }
    }

    private void drain() {
        while (top >= 0) {
            EventImpl event = heads[top];
            Node waiter = event.dispatchList;
            Node next = waiter.waiterNext;
            waiter.waiterNext = null;
            event.dispatchList = next;
            if (next == null) {
                heads[top] = event.dispatchNext; // this event's last waiter: on to the frame's next event
                event.dispatchNext = null;
                if (heads[top] == null) {
                    tails[top] = null;
                    top--; // popped before the waiter runs: chains stay one frame deep
                }
            }
            try {
                waiter.onTrigger(event, event.poison());
            } catch (Throwable t) {
                // A waiter that throws is a runtime bug; keep dispatching so one bug does not strand
                // every operation behind the same event.
                log.error("Kairos internal error: waiter {} of {} threw", waiter, event, t);
            }
            if (triggeredHead != null) {
                EventImpl head = triggeredHead;
                EventImpl tail = triggeredTail;
                triggeredHead = null;
                triggeredTail = null;
                push(head, tail);
            }
        }
    }

    private void push(EventImpl head, EventImpl tail) {
        // An event whose waiters all left before it triggered has nothing to run.
        while (head != null && head.dispatchList == null) {
            EventImpl next = head.dispatchNext;
            head.dispatchNext = null;
            head = next;
        }
        if (head == null) {
            return;
        }
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
            node.waiterNext = reversed;
            reversed = node;
            node = next;
        }
        return reversed;
    }
}
