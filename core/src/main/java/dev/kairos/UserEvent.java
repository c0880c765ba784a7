package dev.kairos;

import dev.kairos.internal.event.UserEventImpl;

/**
 * An event the program triggers itself, created by {@link Kairos#createUserEvent()}. Triggering or
 * cancelling it a second time is an {@link IllegalStateException}.
 */
public sealed interface UserEvent extends Event permits UserEventImpl {

    /** Triggers the event now: every operation waiting on it may run. */
    void trigger();

    /**
     * Triggers the event when {@code waitOn} triggers; poisons it if {@code waitOn} is poisoned.
     *
     * @throws IllegalArgumentException if {@code waitOn} is this event, which would never trigger
     */
    void trigger(Event waitOn);

    /** Poisons the event: every operation waiting on it, directly or not, is cancelled. */
    void cancel();
}
