package dev.kairos.internal.event;

import java.util.Objects;

/**
 * The terminal state of a poisoned event. The same instance travels downstream: every operation
 * cancelled because of one failure reports that failure as its cause, and propagating poison
 * allocates nothing.
 */
public final class Poison {
    private final Throwable cause;

    public Poison(Throwable cause) {
        this.cause = Objects.requireNonNull(cause, "cause");
    }

    public Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        return "poison(" + cause + ")";
    }
}
