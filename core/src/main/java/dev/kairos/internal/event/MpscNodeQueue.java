package dev.kairos.internal.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An unbounded multi-producer, single-consumer queue of {@link Node}s, linked through the nodes
 * themselves (Vyukov's intrusive MPSC queue): offering is one atomic exchange and allocates
 * nothing, so a spawned task is its own queue entry.
 *
 * <p>Producers swap themselves in as the tail, then link the previous tail to themselves. Between
 * those two steps the consumer cannot see the new node yet: {@link #poll()} then returns null
 * while {@link #isEmpty()} is false, and the consumer retries. A stub node keeps the list non-empty
 * so that the last real node can be handed out.
 *
 * <p>The producers' field ({@code tail}, in {@link MpscNodeQueueTail}) and the consumer's
 * ({@code head}) lie two cache lines apart ({@link MpscNodeQueuePadding}): on one line, every offer
 * would take the line away from a consumer polling at the same time, and every poll would take it
 * back. The JVM lays a subclass's fields out after its superclass's, which keeps them apart.
 */
public final class MpscNodeQueue extends MpscNodeQueuePadding {
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpscNodeQueueTail.class, "tail", Node.class);
            NEXT = lookup.findVarHandle(Node.class, "queueNext", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Node stub = new Node() {
        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("the queue stub never waits");
        }
    };

    /** The consumer's position; only the consumer reads or writes it. */
    private Node head = stub;

    public MpscNodeQueue() {
        tail = stub;
    }

    /** Any thread. The node must not be in this or another queue. */
    public void offer(Node node) {
        NEXT.set(node, null);
        Node previous = (Node) TAIL.getAndSet(this, node); // full fence: publishes the node's fields
        NEXT.setRelease(previous, node); // pairs with the consumer's getAcquire
    }

    /**
     * Consumer only: the oldest node, or null if the queue is empty or a producer is between its
     * two steps (then {@link #isEmpty()} is false).
     */
    public Node poll() {
        Node first = head;
        Node next = (Node) NEXT.getAcquire(first);
        if (first == stub) {
            if (next == null) {
                return null;
            }
            head = next;
            first = next;
            next = (Node) NEXT.getAcquire(next);
        }
        if (next != null) {
            head = next;
            return first;
        }
        if (first != tail) {
            return null; // a producer has swapped in but not linked yet
        }
        offer(stub);
        next = (Node) NEXT.getAcquire(first);
        if (next != null) {
            head = next;
            return first;
        }
        return null;
    }

    /** Consumer only: true when nothing has been offered that {@link #poll()} has not returned. */
    public boolean isEmpty() {
        return head == stub && tail == stub;
    }
}

/** The producers' side of {@link MpscNodeQueue}, first in its layout. */
abstract class MpscNodeQueueTail {
    /** The most recently offered node; producers exchange it atomically (through {@code MpscNodeQueue.TAIL}). */
    volatile Node tail;
}

/** Two cache lines between {@link MpscNodeQueue}'s producer field and its consumer fields. */
@SuppressWarnings("unused")
abstract class MpscNodeQueuePadding extends MpscNodeQueueTail {
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
