package dev.kairos.internal.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the waiters of triggered events without recursing.
 *
 * <p>Triggering an event runs its waiters on the triggering thread; a waiter may trigger further
 * events (a merge completing, a user event chained with {@code trigger(waitOn)}). Running those
 * recursively would make stack depth grow with chain length, so each thread has one dispatcher: the
 * outermost trigger runs a loop, and triggers made from inside a waiter only append their event to
 * the loop's queue. Waiters of one event run in the order they were registered (the waiter stack is
 * reversed once), so a {@code destroy} registered before a {@code create} on the same event frees
 * its bytes before the create asks for them.
 *
 * <p>Thread-confined: one instance per thread, never shared.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ThreadLocal<Dispatcher> LOCAL = ThreadLocal.withInitial(Dispatcher::new);

    private boolean running;
    private EventImpl head;
    private EventImpl tail;

    static Dispatcher current() {
        return Thread.currentThread() instanceof KairosThread thread ? thread.dispatcher : LOCAL.get();
    }

    /** Runs (now, or after the waiters already queued on this thread) the waiters of {@code event}. */
    void dispatch(EventImpl event, Node lifoWaiters) {
        event.dispatchList = reverse(lifoWaiters);
        if (running) {
            if (tail == null) {
                head = event;
            } else {
                tail.dispatchNext = event;
            }
            tail = event;
            return;
        }
        running = true;
        try {
            runWaiters(event);
            EventImpl next;
            while ((next = head) != null) {
                head = next.dispatchNext;
                if (head == null) {
                    tail = null;
                }
                next.dispatchNext = null;
                runWaiters(next);
            }
        } finally {
            running = false;
        }
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

    private static void runWaiters(EventImpl event) {
        Node node = event.dispatchList;
        event.dispatchList = null;
        Poison poison = event.poison();
        while (node != null) {
            Node next = node.waiterNext;
            node.waiterNext = null;
            try {
                node.onTrigger(event, poison);
            } catch (Throwable t) {
                // A waiter that throws is a runtime bug; keep dispatching so one bug does not strand
                // every operation behind the same event.
                log.error("Kairos internal error: waiter {} of {} threw", node, event, t);
            }
            node = next;
        }
    }
}
