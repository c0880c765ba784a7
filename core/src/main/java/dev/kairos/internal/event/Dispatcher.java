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
 * triggered, in order. A frame is popped when its last waiter has run, before the events that
 * waiter triggered are pushed, so a chain of events with one waiter each never grows the stack past
 * one frame.
 *
 * <p>An event with one waiter, triggered by a waiter before that waiter triggered anything else,
 * needs no frame: its waiter runs at once, inside the waiter that triggered it ({@link
 * #fireNested}), which is where the frame would have run it. The fan-outs of user events chained
 * with {@code trigger(waitOn)} and the tasks behind them are mostly such events (events-fan fan:
 * 2.0x). What that waiter triggers is queued as usual, so nesting never goes deeper than one level.
 * The one order this can change is which of two waiters that both finish the same event comes
 * first; in the runtime only a merge is ever finished twice (by a poisoned input, then by its last
 * input, a no-op), and it is poisoned either way ({@code DispatchOrderPropertyTest} holds the order).
 *
 * <p>Waiters are told through the one waiter protocol, {@link Node#tryFire}, with this dispatcher
 * passed in: the dispatcher relies on no node type for what happens. A node holding several waiters
 * (a block of merges) stops after one that triggered something and stays first in its event's list,
 * to be fired again where it left off once the waiters of what it triggered have run. One type test
 * stays, for speed alone ({@link #fire}).
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

    /** Whether the waiter being fired is the last of this dispatch loop; set before each. */
    private boolean firingLast;

    /** Whether the waiter being fired runs inside the waiter that triggered its event ({@link #fireNested}). */
    private boolean firingNested;

    /** Merges whose arrivals this dispatcher holds; handed over when the loop ends. */
    private MergeEvent[] holding = new MergeEvent[16];
    private int holdingCount;

    static Dispatcher current() {
        return LOCAL.get();
    }

    /** Runs the waiters of {@code event}: now, or, if a waiter of this thread triggered it, right after that waiter. */
    void dispatch(EventImpl event, Node lifoWaiters) {
        if (running) {
            if (lifoWaiters.waiterNext == null && triggeredHead == null && !firingNested) {
                fireNested(event, lifoWaiters);
            } else {
                event.dispatchList = reverse(lifoWaiters);
                triggered(event);
            }
            return;
        }
        running = true;
        try {
            if (lifoWaiters.waiterNext == null) {
                fireLone(event, lifoWaiters);
            } else {
                event.dispatchList = reverse(lifoWaiters);
                push(event, event);
            }
            do {
                drain();
                releaseHeldArrivals();
            } while (top >= 0);
        } finally {
            running = false;
        }
    }

    /**
     * The common case of an event with one waiter (a task's completion told to the one merge or
     * task behind it), fired without a frame: a frame is pushed only if the waiter triggered
     * something, or stopped early and must be fired again after it, exactly as
     * {@link #runWaiters} would have left the stack.
     */
    private void fireLone(EventImpl event, Node waiter) {
        firingLast = true;
        if (!fire(waiter, event, event.poison())) {
            event.dispatchList = waiter; // more to tell: its frame goes under what it triggered
            push(event, event);
        }
        if (triggeredHead != null) {
            pushTriggered();
        }
    }

    /**
     * An event with one waiter, triggered by the waiter running now before it triggered anything
     * else: its waiter runs at once, inside the one that triggered it. That is where its frame
     * would have run it (first, before anything else the outer waiter triggers and before the next
     * waiter of the outer event), without the frame. One level only: what it triggers is queued as
     * usual, so a chain of such events never grows the stack. A waiter that stops early (a block of
     * merges) is queued behind what it triggered, to be fired again after their waiters.
     */
    private void fireNested(EventImpl event, Node waiter) {
        boolean outerLast = firingLast;
        firingLast = false; // the outer waiter may still tell more after this one
        firingNested = true;
        boolean done = fire(waiter, event, event.poison()); // never throws: a throwing waiter is logged
        firingNested = false;
        firingLast = outerLast;
        if (!done) {
            event.dispatchList = waiter;
            triggered(event);
        }
    }

    /** Queues {@code event}, its waiters in {@code dispatchList}, behind those the running waiter triggered. */
    private void triggered(EventImpl event) {
        if (triggeredTail == null) {
            triggeredHead = event;
        } else {
            triggeredTail.dispatchNext = event;
        }
        triggeredTail = event;
    }

    /** Whether the waiter running now is the last of this dispatch loop (no waiter or frame is left behind it). */
    boolean runningLastWaiter() {
        return firingLast;
    }

    /** Whether the waiter running now has triggered events, whose waiters run before the next waiter. */
    boolean triggeredNested() {
        return triggeredHead != null;
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
            waiter.waiterNext = null; // a waiter may outlive this dispatch, or wait again: it must not keep the rest alive
            firingLast = next == null && top == 0 && event.dispatchNext == null;
            if (!fire(waiter, event, poison)) {
                waiter.waiterNext = next; // more to tell: it stays first, and is fired again after what it triggered
                event.dispatchList = waiter;
                pushTriggered();
                return;
            }
            if (next == null) {
                finishedWaiters(event);
                if (triggeredHead != null) {
                    pushTriggered();
                }
                return;
            }
            if (triggeredHead != null) {
                event.dispatchList = next;
                pushTriggered();
                return;
            }
            waiter = next;
        }
    }

    /** After the last waiter of the top frame's first event: on to the frame's next event, or pops the frame. */
    private void finishedWaiters(EventImpl event) {
        event.dispatchList = null;
        EventImpl following = event.dispatchNext;
        event.dispatchNext = null;
        heads[top] = following;
        if (following == null) {
            tails[top] = null;
            top--; // popped before what the waiter triggered is pushed: chains stay one frame deep
        }
    }

    private boolean fire(Node waiter, EventImpl event, Poison poison) {
        try {
            // The same call either way. The call site sees every node type (tasks, copies, merge
            // inputs, forwarders, blocks), too many for the JIT to inline any; naming the block, the
            // hot node of merge DAGs, lets it inline the block's loop, and leaves the rest of a
            // merge-only graph (inputs, forwarders) few enough to inline too: events-fan dag 1.07x.
            if (waiter instanceof MergeBlock block) {
                return block.tryFire(this, event, poison);
            }
            return waiter.tryFire(this, event, poison);
        } catch (Throwable t) {
            // A waiter that throws is a runtime bug; keep dispatching so one bug does not strand
            // every operation behind the same event.
            log.error("Kairos internal error: waiter {} of {} threw", waiter, event, t);
            return true;
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
            node.waiterNext = reversed;
            reversed = node;
            node = next;
        }
        return reversed;
    }
}
