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
            CLAIMED = MethodHandles.lookup().findVarHandle(UserEventImpl.class, "claimed", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Which call claimed this event, for the error on a second call; set once by CAS. */
    @SuppressWarnings("unused")
    private volatile String claimed;

    @Override
    public void trigger() {
        claim("trigger()");
        triggerNow();
    }

    @Override
    public void trigger(Event waitOn) {
        EventImpl precondition = EventImpl.of(waitOn);
        claim("trigger(" + waitOn + ")");
        precondition.whenTriggered(new Forwarder(this));
    }

    @Override
    public void cancel() {
        claim("cancel()");
        poisonNow(new Poison(new CancellationException(this + " was cancelled")));
    }

    private void claim(String call) {
        if (!CLAIMED.compareAndSet(this, null, call)) {
            throw new IllegalStateException(
                    this + ": cannot " + call + ", it was already claimed by " + claimed + " (status " + status() + ")");
        }
    }

    /** Finishes a user event the way its {@code trigger(waitOn)} precondition finished. */
    private static final class Forwarder extends Node {
        private final UserEventImpl target;

        Forwarder(UserEventImpl target) {
            this.target = target;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            target.finish(poison);
        }
    }
}
