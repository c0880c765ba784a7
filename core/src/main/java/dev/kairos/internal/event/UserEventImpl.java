package dev.kairos.internal.event;

import dev.kairos.Event;
import dev.kairos.UserEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;

/**
 * A user event: the first of {@code trigger()}, {@code trigger(waitOn)} or {@code cancel()} claims
 * it (one CAS); any later call is an {@link IllegalStateException}.
 */
public final class UserEventImpl extends EventImpl implements UserEvent {
    private static final VarHandle CLAIMED;

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(UserEventImpl.class, "claimed", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String TRIGGER = "trigger()";
    private static final String CANCEL = "cancel()";

    /**
     * Which call claimed this event, for the error on a second call: {@link #TRIGGER}, {@link #CANCEL}
     * or the precondition of {@code trigger(waitOn)} (described only if that error happens). Set once
     * by CAS.
     */
    @SuppressWarnings("unused")
    private volatile Object claimed;

    @Override
    public void trigger() {
        claim(TRIGGER);
        triggerNow();
    }

    @Override
    public void trigger(Event waitOn) {
        EventImpl precondition = EventImpl.of(waitOn);
        if (precondition == this) {
            throw new IllegalArgumentException(this + ".trigger(" + this + "): an event cannot wait on itself, it would never trigger");
        }
        claim(precondition);
        precondition.whenTriggered(new Forwarder(this));
    }

    @Override
    public void cancel() {
        claim(CANCEL);
        poisonNow(new Poison(new CancellationException(this + " was cancelled")));
    }

    /**
     * Poisons this event with {@code cause} unless a call has claimed it already: how a closing
     * runtime releases what waits on user events nobody triggered.
     *
     * @param claimedBy names the claim in the error of a later {@code trigger()} or {@code cancel()}
     * @return false if {@code trigger()}, {@code trigger(waitOn)} or {@code cancel()} came first
     */
    public boolean cancelUnclaimed(String claimedBy, Throwable cause) {
        if (!CLAIMED.compareAndSet(this, null, claimedBy)) {
            return false;
        }
        poisonNow(new Poison(cause));
        return true;
    }

    /** Whether {@code trigger()}, {@code trigger(waitOn)}, {@code cancel()} or a close has claimed this event. */
    public boolean isClaimed() {
        return claimed != null;
    }

    private void claim(Object call) {
        if (!CLAIMED.compareAndSet(this, null, call)) {
            throw new IllegalStateException(this + ": cannot " + describe(call) + ", it was already claimed by "
                    + describe(claimed) + " (status " + status() + ")");
        }
    }

    private static String describe(Object call) {
        return call instanceof Event waitOn ? "trigger(" + waitOn + ")" : (String) call;
    }

    /** Finishes a user event the way its {@code trigger(waitOn)} precondition finished. */
    static final class Forwarder extends Node {
        final UserEventImpl target;

        Forwarder(UserEventImpl target) {
            this.target = target;
        }

        /** Finishes the target in the dispatch that told it (no thread-local lookup), or looks it up when told directly. */
        @Override
        boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
            target.finishFrom(dispatcher, poison);
            return true;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("a forwarder is told through tryFire");
        }
    }
}
