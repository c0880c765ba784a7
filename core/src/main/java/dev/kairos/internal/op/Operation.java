package dev.kairos.internal.op;

import dev.kairos.OperationStatus;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.prof.OperationProfile;
import dev.kairos.internal.prof.ProfileDelivery;

/**
 * The life of one operation — a task, a copy or fill, an allocation, a destroy — in one place, as
 * Realm's {@code Operation} ({@code mark_ready}, {@code mark_started}, {@code mark_finished},
 * {@code mark_terminated}):
 *
 * <pre>
 *   created ─markReady─▶ ready ─markStarted─▶ started ─markEnded─▶ ended ─markFinished─▶ TRIGGERED
 *      │                                         └──────────────markFailed──────────────▶ POISONED
 *      └─markCancelled─▶ POISONED   (its precondition was poisoned: it never ran)
 * </pre>
 *
 * <p>An operation is its own completion event, so issuing one allocates one object. Creating it
 * admits it to its runtime's {@link Operations}: it is outstanding, and {@code close()} waits for it,
 * until its one terminal mark; a closing runtime refuses the creation instead. The terminal marks
 * finish the event (its waiters run), send the profile, then count the operation finished, in that
 * order, so that {@code close()} never sees zero outstanding while a waiter of the last operation
 * is still starting new work. The first terminal mark wins; a later one changes nothing and
 * returns false.
 *
 * <p>These methods are the only place where an operation changes state: the operation types call
 * them and nothing else, and tracing hooks belong here. The intermediate marks only timestamp the
 * profile, so an operation without profiling pays one null check each.
 */
public abstract class Operation extends EventImpl {
    private final Operations operations;
    private final OperationProfile profile;

    /**
     * Creates and admits the operation.
     *
     * @throws IllegalStateException if the runtime is closing or closed (nothing was counted)
     */
    protected Operation(Operations operations, ProfileDelivery delivery, ProfilingRequestSet profiling) {
        operations.admit();
        this.operations = operations;
        this.profile = profiling.isEmpty() ? null : new OperationProfile(delivery, this, profiling);
    }

    /** Its precondition has triggered: it may run. */
    public final void markReady() {
        if (profile != null) {
            profile.ready();
        }
    }

    /** It has begun running (a task's body is about to run, a copy's engines to start). */
    public final void markStarted() {
        if (profile != null) {
            profile.started();
        }
    }

    /** Its own work has ended (a task's body returned); its event may trigger later, e.g. after device work. */
    public final void markEnded() {
        if (profile != null) {
            profile.ended();
        }
    }

    /** It succeeded: its event triggers. @return false if it had already ended */
    public final boolean markFinished() {
        return terminate(OperationStatus.Result.COMPLETED_SUCCESSFULLY, null);
    }

    /** It ran and failed: its event is poisoned with {@code poison}. @return false if it had already ended */
    public final boolean markFailed(Poison poison) {
        return terminate(OperationStatus.Result.COMPLETED_WITH_ERRORS, poison);
    }

    /** It never ran (its precondition was poisoned): its event is poisoned with {@code poison}. @return false if it had already ended */
    public final boolean markCancelled(Poison poison) {
        return terminate(OperationStatus.Result.CANCELLED, poison);
    }

    private boolean terminate(OperationStatus.Result result, Poison poison) {
        if (!finish(poison)) {
            return false;
        }
        if (profile != null) {
            profile.completed(result, poison);
        }
        operations.finished();
        return true;
    }
}
