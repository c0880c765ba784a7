package dev.kairos;

import java.util.Optional;

/** How an operation ended; {@code error} is null unless it failed or was cancelled. */
public record OperationStatus(Result result, Throwable error) implements Measurement {

    public enum Result {
        COMPLETED_SUCCESSFULLY,
        /** The operation ran and failed (a task body threw, a copy failed). */
        COMPLETED_WITH_ERRORS,
        /** The operation never ran: its precondition was poisoned. */
        CANCELLED
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(error);
    }
}
