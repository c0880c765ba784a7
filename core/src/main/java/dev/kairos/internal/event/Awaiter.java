package dev.kairos.internal.event;

/**
 * How a thread the runtime owns blocks in {@code Event.await}: a processor's worker hands its
 * processor to another worker while the body waits, so the tasks it waits for can run there.
 * Bound with {@link #CURRENT} for the whole life of such a thread (a scoped value rather than a
 * {@code Thread} subclass, because a worker may be a virtual thread); any other thread parks.
 */
public interface Awaiter {

    /** The awaiter of the current thread, bound while a processor's worker runs. */
    ScopedValue<Awaiter> CURRENT = ScopedValue.newInstance();

    /**
     * Blocks until {@code event} has left the pending state or the timeout has passed. An interrupt
     * never makes the wait spin: if {@code interruptible}, it ends the wait (the flag cleared, the
     * caller throws {@link InterruptedException}); otherwise the wait goes on and the flag is set
     * again when it returns.
     *
     * @param timeoutNanos the longest wait, or a negative number to wait without limit
     * @return true if an interrupt ended an interruptible wait
     */
    boolean awaitEvent(EventImpl event, long timeoutNanos, boolean interruptible);
}
