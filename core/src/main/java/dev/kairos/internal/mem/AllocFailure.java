package dev.kairos.internal.mem;

/**
 * Why an allocation failed, with the numbers a user needs to fix the program.
 *
 * @param reason which rule refused it
 * @param bytes the bytes asked for
 * @param alignment the alignment asked for
 * @param capacity the memory's capacity
 * @param used bytes held by live instances when it failed
 * @param pendingRelease bytes of live instances whose destroy was requested but has not happened
 * @param countableRelease of those, the bytes whose destroy was requested before this create was
 *     called: the only ones it was allowed to count on
 * @param promised bytes promised to earlier accepted allocations that still wait for their place
 * @param cancelledReleaseOwner for {@link Reason#RELEASE_CANCELLED}, the owner of the instance
 *     whose cancelled destroy this allocation was counting on; otherwise null
 */
public record AllocFailure(
        Reason reason,
        long bytes,
        long alignment,
        long capacity,
        long used,
        long pendingRelease,
        long countableRelease,
        long promised,
        Object cancelledReleaseOwner) {

    /** Which rule refused the allocation. */
    public enum Reason {
        /** Deferral is off and the request does not fit in the bytes free now. */
        DOES_NOT_FIT_NOW,
        /** No place, even counting every release requested before the create was called. */
        NEVER_FITS,
        /** It was accepted, but a release it counted on was cancelled and no other place exists. */
        RELEASE_CANCELLED
    }

    /** The failure as key=value text, for the memory to put after its own name. */
    public String message() {
        String text = "out of memory: reason=" + reason + " bytes=" + bytes + " alignment=" + alignment
                + " capacity=" + capacity + " used=" + used + " pendingRelease=" + pendingRelease
                + " countableRelease=" + countableRelease + " promised=" + promised;
        return reason == Reason.RELEASE_CANCELLED
                ? text + " cancelledReleaseOf=" + cancelledReleaseOwner
                : text;
    }
}
