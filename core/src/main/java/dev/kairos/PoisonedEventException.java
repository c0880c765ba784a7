package dev.kairos;

/**
 * Thrown by {@link Event#await()} when the event is poisoned: the operation behind it failed, or
 * was cancelled because one of its preconditions was poisoned.
 *
 * <p>{@link #getCause()} is the original failure that started the poison: the exception a task body
 * threw, the allocation failure, or the cancellation of a {@link UserEvent}. Every event downstream
 * of that failure reports the same cause.
 */
public final class PoisonedEventException extends KairosException {
    private static final long serialVersionUID = 1L;

    private final transient Event event;

    public PoisonedEventException(Event event, Throwable cause) {
        super(event + " is poisoned: " + describe(cause), cause);
        this.event = event;
    }

    /** The event that was awaited. */
    public Event event() {
        return event;
    }

    /** The cause's message, or its class name; never throws, even if the cause's getMessage() does. */
    private static String describe(Throwable cause) {
        try {
            String message = cause.getMessage();
            return message == null ? cause.getClass().getName() : message;
        } catch (RuntimeException | Error broken) {
            return cause.getClass().getName() + " (its getMessage() threw " + broken.getClass().getName() + ")";
        }
    }
}
