package dev.kairos.internal.mem;

/**
 * Why an allocation failed, with the numbers a user needs to fix the program.
 *
 * @param outcome the failed phase: which rule refused it
 * @param bytes the bytes asked for
 * @param alignment the alignment asked for
 * @param capacity the memory's capacity
 * @param used bytes held by live instances when it failed
 * @param pendingRelease bytes of live instances whose destroy was requested but has not happened
 * @param countableRelease of those, the bytes whose destroy was requested before this create was
 *     called: the only ones it was allowed to count on
 * @param promised bytes promised to accepted allocations that still wait for their place
 * @param cancelledReleaseOf for {@link Allocation.Phase#FAILED_RELEASE_CANCELLED}, the instance
 *     whose cancelled destroy this allocation was counting on; otherwise null
 */
public record AllocFailure(
        Allocation.Phase outcome,
        long bytes,
        long alignment,
        long capacity,
        long used,
        long pendingRelease,
        long countableRelease,
        long promised,
        String cancelledReleaseOf) {

    public AllocFailure {
        if (!outcome.failed()) {
            throw new IllegalArgumentException("not a failed phase: " + outcome);
        }
    }

    /** The failure as key=value text, for the memory to put after its own name. */
    public String message() {
        String text = "out of memory: reason=" + outcome.reason() + " bytes=" + bytes + " alignment=" + alignment
                + " capacity=" + capacity + " used=" + used + " pendingRelease=" + pendingRelease
                + " countableRelease=" + countableRelease + " promised=" + promised;
        return cancelledReleaseOf != null ? text + " cancelledReleaseOf=" + cancelledReleaseOf : text;
    }
}
