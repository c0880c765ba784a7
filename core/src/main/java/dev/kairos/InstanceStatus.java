package dev.kairos;

/** How an instance's life ended, with a message for failures. */
public record InstanceStatus(Result result, String message) implements Measurement {

    public enum Result {
        /** Allocated, used and freed. */
        DESTROYED_SUCCESSFULLY,
        /** The memory could not place it; {@code message} says why. */
        FAILED_ALLOCATION,
        /** The precondition of {@code create} was poisoned: nothing was allocated. */
        CANCELLED_ALLOCATION
    }
}
