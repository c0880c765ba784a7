package dev.kairos.internal.event;

import dev.kairos.Event;
import dev.kairos.PoisonedEventException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of one event, lock-free.
 *
 * <p>All state is one reference, {@code state}: {@code null} or a {@link Node} while pending (the
 * head of a Treiber stack of waiters), {@link #TRIGGERED} or a {@link Poison} once terminal. Adding
 * a waiter is a CAS that pushes onto the stack; triggering is one CAS from the stack to the terminal
 * value, after which the swapped-out stack belongs to the triggering thread alone and is handed to
 * its {@link Dispatcher}. Nothing is locked and nothing is allocated by a trigger.
 *
 * <p>Operations extend this class, so a task or an allocation is its own completion event and its
 * own waiter: spawning allocates one object. Ids are assigned on first use: most events are never
 * printed or compared, and a shared counter on every creation would be contended.
 */
public non-sealed class EventImpl extends Node implements Event {
    private static final Object TRIGGERED = new Object() {
        @Override
        public String toString() {
            return "TRIGGERED";
        }
    };
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle STATE;
    private static final VarHandle ID;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(EventImpl.class, "state", Object.class);
            ID = lookup.findVarHandle(EventImpl.class, "id", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Spins this many times before parking an external waiter: cheap wake-ups for short waits. */
    private static final int SPINS_BEFORE_PARK = 1 << 10;

    public static final EventImpl NO_EVENT = new EventImpl(TRIGGERED);

    /** Accessed through {@link #STATE}: CAS to push waiters and to leave the pending state. */
    @SuppressWarnings("unused")
    private volatile Object state;

    /** 0 until first asked for; set once by CAS through {@link #ID}. */
    @SuppressWarnings("unused")
    private volatile long id;

    /** Owned by the dispatching thread's {@link Dispatcher}. */
    Node dispatchList;

    /** Owned by the dispatching thread's {@link Dispatcher}. */
    EventImpl dispatchNext;

    public EventImpl() {}

    private EventImpl(Object terminal) {
        STATE.set(this, terminal);
    }

    /** A new event that is already poisoned with {@code poison}. */
    public static EventImpl poisoned(Poison poison) {
        return new EventImpl(poison);
    }

    /** Views any API event as its implementation; every event in Kairos is one. */
    public static EventImpl of(Event event) {
        if (event == null) {
            throw new NullPointerException("waitOn event is null; use Event.NO_EVENT for no precondition");
        }
        return (EventImpl) event;
    }

    // ---------------------------------------------------------------- transitions

    /**
     * Moves this event to triggered and runs its waiters.
     *
     * @return false if it had already triggered or been poisoned
     */
    public final boolean triggerNow() {
        return complete(TRIGGERED, null);
    }

    /**
     * Moves this event to poisoned and runs its waiters.
     *
     * @return false if it had already triggered or been poisoned
     */
    public final boolean poisonNow(Poison poison) {
        return complete(poison, null);
    }

    /** Triggers with {@code poison} == null, else poisons. */
    public final boolean finish(Poison poison) {
        return complete(poison == null ? TRIGGERED : poison, null);
    }

    /**
     * {@link #finish} from a waiter that {@code dispatcher} is running: its waiters join that
     * dispatch without looking the dispatcher up again. A null dispatcher (a waiter told outside a
     * dispatch) is looked up, if there are waiters, as {@link #finish} does.
     */
    final void finishFrom(Dispatcher dispatcher, Poison poison) {
        complete(poison == null ? TRIGGERED : poison, dispatcher);
    }

    /** @param dispatcher the calling thread's dispatcher, or null to look it up if there are waiters */
    private boolean complete(Object terminal, Dispatcher dispatcher) {
        for (;;) {
            Object s = state;
            if (s == TRIGGERED || s instanceof Poison) {
                return false;
            }
            if (STATE.compareAndSet(this, s, terminal)) {
                if (s != null) {
                    (dispatcher != null ? dispatcher : Dispatcher.current()).dispatch(this, (Node) s);
                }
                return true;
            }
        }
    }

    /**
     * Registers {@code waiter} to be told when this event leaves the pending state.
     *
     * @return false if the event has already triggered or been poisoned; then the waiter is not
     *     registered and the caller acts on the terminal state itself
     */
    public final boolean addWaiter(Node waiter) {
        for (;;) {
            Object s = state;
            if (s == TRIGGERED || s instanceof Poison) {
                return false;
            }
            waiter.waiterNext = (Node) s;
            if (STATE.compareAndSet(this, s, waiter)) {
                return true;
            }
        }
    }

    /**
     * Registers {@code merge} as waiting on this event; the node on top of the waiter stack decides
     * how ({@link Node#withMerge}: merges registered one after another pack into a {@link MergeBlock}).
     *
     * @return false if the event has already triggered or been poisoned; then the caller tells the merge
     */
    final boolean addMergeWaiter(Merges.MergeEvent merge) {
        for (;;) {
            Object s = state;
            if (s == TRIGGERED || s instanceof Poison) {
                return false;
            }
            Node top = (Node) s;
            Node fresh = top == null ? merge.newWaiter() : top.withMerge(merge);
            if (fresh == top) {
                return true; // taken into the block on top
            }
            if (fresh == null) {
                return false; // the block on top was closed under the registration: the event triggered
            }
            fresh.waiterNext = top;
            if (STATE.compareAndSet(this, s, fresh)) {
                return true;
            }
        }
    }

    /** Registers {@code waiter}, or tells it at once (on this thread) if this event is terminal. */
    public final void whenTriggered(Node waiter) {
        if (!addWaiter(waiter)) {
            waiter.tryFire(null, this, poison());
        }
    }

    /** The poison if this event is poisoned, else null (also while pending). */
    public final Poison poison() {
        return state instanceof Poison p ? p : null;
    }

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        throw new IllegalStateException(this + " is not waiting on " + source);
    }

    // ---------------------------------------------------------------- Event

    @Override
    public final Status status() {
        Object s = state;
        return s == TRIGGERED ? Status.TRIGGERED : s instanceof Poison ? Status.POISONED : Status.PENDING;
    }

    @Override
    public final boolean hasTriggered() {
        Object s = state;
        return s == TRIGGERED || s instanceof Poison;
    }

    @Override
    public final boolean isPoisoned() {
        return state instanceof Poison;
    }

    @Override
    public final Optional<Throwable> failure() {
        return state instanceof Poison p ? Optional.of(p.cause()) : Optional.empty();
    }

    @Override
    public final void await() {
        block(-1, false);
        throwIfPoisoned();
    }

    @Override
    public final void awaitInterruptibly() throws InterruptedException {
        // As Future.get: an interrupt before or during the wait ends it, unless the event is terminal
        // (a flag already set makes the first park return at once).
        if (block(-1, true)) {
            throw new InterruptedException("interrupted while waiting for " + this);
        }
        throwIfPoisoned();
    }

    @Override
    public final Status await(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout is null; use await() to wait without limit");
        }
        // TimeUnit.convert saturates where Duration.toNanos overflows: Duration.ofDays(1_000_000)
        // and ChronoUnit.FOREVER wait as long as Long.MAX_VALUE nanoseconds, about 292 years.
        block(timeout.isNegative() ? 0 : TimeUnit.NANOSECONDS.convert(timeout), false);
        return status();
    }

    private void throwIfPoisoned() {
        if (state instanceof Poison p) {
            throw new PoisonedEventException(this, p.cause());
        }
    }

    /**
     * @param timeoutNanos the longest wait, 0 not to wait, or a negative number to wait without limit
     * @return true if an interrupt ended an interruptible wait
     */
    private boolean block(long timeoutNanos, boolean interruptible) {
        if (hasTriggered() || timeoutNanos == 0) {
            return false;
        }
        return Awaiter.CURRENT.isBound()
                ? Awaiter.CURRENT.get().awaitEvent(this, timeoutNanos, interruptible)
                : parkUntilTriggered(timeoutNanos, interruptible);
    }

    /**
     * Blocks the calling thread, which must not be a processor's worker holding its processor: spins
     * briefly (the event is often about to trigger), then parks until a waiter unparks it or the
     * timeout passes.
     *
     * <p>An interrupt never makes the wait spin ({@code LockSupport.park} returns at once while the
     * flag is set, so the flag is cleared before parking again): if {@code interruptible} it ends the
     * wait; otherwise it is remembered and the flag is set again on return.
     *
     * @param timeoutNanos the longest wait, or a negative number to wait without limit
     * @return true if an interrupt ended an interruptible wait (the flag is then clear)
     */
    public final boolean parkUntilTriggered(long timeoutNanos, boolean interruptible) {
        long deadline = System.nanoTime() + timeoutNanos; // wraps for huge timeouts; the difference below does not
        for (int i = 0; i < SPINS_BEFORE_PARK; i++) {
            if (hasTriggered()) {
                return false;
            }
            Thread.onSpinWait();
        }
        Unparker unparker = new Unparker(Thread.currentThread());
        if (!addWaiter(unparker)) {
            return false;
        }
        boolean interrupted = false;
        try {
            while (!unparker.done) {
                if (timeoutNanos < 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        return true;
                    }
                    interrupted = true;
                }
            }
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes one parked thread when its event triggers. */
    private static final class Unparker extends Node {
        private final Thread thread;
        private volatile boolean done;

        Unparker(Thread thread) {
            this.thread = thread;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            done = true; // volatile write before unpark: the parked thread re-reads it on wake-up
            LockSupport.unpark(thread);
        }
    }

    // ---------------------------------------------------------------- handle

    @Override
    public final long id() {
        if (this == NO_EVENT) {
            return 0;
        }
        long current = id;
        if (current != 0) {
            return current;
        }
        long fresh = IDS.incrementAndGet();
        return ID.compareAndSet(this, 0L, fresh) ? fresh : id;
    }

    @Override
    public final int compareTo(Event other) {
        return Long.compare(id(), other.id());
    }

    @Override
    public String toString() {
        return "event:" + id();
    }
}
