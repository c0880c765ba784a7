package dev.kairos.internal.mem;

/**
 * What became of one allocation request, named the way Realm's memory manager names them.
 *
 * <p>The first three are the immediate decision, taken the moment the create's precondition
 * triggers ({@link AllocationPlanner#decide}); {@link #ACCEPTED} later resolves to
 * {@link #EVENTUAL_SUCCESS} or {@link #EVENTUAL_FAILURE}. {@link #CANCELLED} replaces the decision
 * when the precondition is poisoned.
 */
public enum AllocOutcome {
    /** Placed at once in bytes that were free and promised to no one. */
    SUCCESS_NOW,
    /** Does not fit now, but has a planned place that releases requested before it will free. */
    ACCEPTED,
    /** An accepted request whose place became free: it is allocated. */
    EVENTUAL_SUCCESS,
    /** An accepted request that lost its place when a release it counted on was cancelled. */
    EVENTUAL_FAILURE,
    /** Fits neither now nor after the releases it may count on (or deferral is off). */
    FAILURE_NOW,
    /** The create's precondition was poisoned: nothing was allocated. */
    CANCELLED
}
