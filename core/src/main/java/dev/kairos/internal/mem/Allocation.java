package dev.kairos.internal.mem;

import dev.kairos.InstanceStatus;

/**
 * One instance's allocation in its memory, from its {@code create} call to its end: where it stands
 * ({@link Phase}, the one state machine of an instance's bytes), where its bytes are or are planned
 * to be, and the destroy that will give them back. Its planner owns every field and changes them
 * under its memory's lock; the getters are for that same lock's holders.
 *
 * @param <O> what the memory attached: its instance
 */
public final class Allocation<O> {

    /**
     * Where an allocation stands. A {@code destroy} may be registered in any phase before
     * {@link #FREED}; it is outstanding while {@link Allocation#release()} is not null, and its
     * trigger moves {@link #WAITING} and {@link #PROMISED} to their {@code _DESTROYED} twins
     * (rule 4: it takes effect once the allocation resolves), {@link #LIVE} to {@link #FREED}, and
     * ends with no effect in the terminal failures.
     *
     * <pre>
     * WAITING --decide: fits now---------------------------> LIVE --destroy--> FREED
     * WAITING --decide: fits once earlier releases happen--> PROMISED --a pass completes it--> LIVE
     * WAITING --decide: neither----------------------------> FAILED_NEVER_FITS (FAILED_DOES_NOT_FIT_NOW without deferral)
     * PROMISED --a release it counted on cancelled, no other plan--> FAILED_RELEASE_CANCELLED
     * WAITING --create's precondition poisoned--> CANCELLED
     * </pre>
     */
    public enum Phase {
        /** Created; the create's precondition has not triggered. */
        WAITING,
        /** Created, not decided, and its destroy has triggered: it frees its bytes right after it gets them. */
        WAITING_DESTROYED,
        /** Accepted under pressure: it has a planned place (a promise), not yet free. */
        PROMISED,
        /** Accepted, and its destroy has triggered: it frees its bytes right after it gets them. */
        PROMISED_DESTROYED,
        /** It holds its bytes. */
        LIVE,
        /** It held bytes and gave them back. */
        FREED,
        /** Refused at once: pressure deferral is off and it does not fit in the bytes free now. */
        FAILED_DOES_NOT_FIT_NOW,
        /** Refused at once: no place, even counting every release requested before its create. */
        FAILED_NEVER_FITS,
        /** Accepted, then a release it counted on was cancelled and no other place was left. */
        FAILED_RELEASE_CANCELLED,
        /** The create's precondition was poisoned: it never held bytes. */
        CANCELLED;

        /** Whether it is waiting for a decision. */
        public boolean waiting() {
            return this == WAITING || this == WAITING_DESTROYED;
        }

        /** Whether it has a promise. */
        public boolean promised() {
            return this == PROMISED || this == PROMISED_DESTROYED;
        }

        /** Whether it will never hold bytes. */
        public boolean failed() {
            return this == FAILED_DOES_NOT_FIT_NOW || this == FAILED_NEVER_FITS || this == FAILED_RELEASE_CANCELLED;
        }

        /** Whether the instance's life is over. */
        public boolean ended() {
            return this == FREED || this == CANCELLED || failed();
        }

        /** The rule that refused it, as error messages name it; null unless {@link #failed()}. */
        public String reason() {
            return failed() ? name().substring("FAILED_".length()) : null;
        }

        /** How the public API reports an ended life. */
        public InstanceStatus.Result status() {
            return switch (this) {
                case FREED -> InstanceStatus.Result.DESTROYED_SUCCESSFULLY;
                case CANCELLED -> InstanceStatus.Result.CANCELLED_ALLOCATION;
                case FAILED_DOES_NOT_FIT_NOW, FAILED_NEVER_FITS, FAILED_RELEASE_CANCELLED -> InstanceStatus.Result.FAILED_ALLOCATION;
                default -> throw new IllegalStateException("the life of an allocation in phase " + this + " has not ended");
            };
        }
    }

    /**
     * An outstanding {@code destroy}.
     *
     * @param sequence position in release ({@code destroy} call) order, from 0
     * @param firstCountingId the id of the first request created after it: requests from that one on
     *     may count on it, older ones never (the deadlock rule)
     */
    public record Release(long sequence, long firstCountingId) {}

    private final AllocationPlanner<O> planner;
    private final long id;
    private final long bytes;
    private final long alignment;
    private final long countableReleases;
    private final O owner;
    Phase phase = Phase.WAITING;
    /** Planned while promised, held while live, last held once freed; meaningless otherwise. */
    long offset;
    /** The outstanding destroy, or null. */
    Release release;
    /** Whether it was accepted under pressure (it waited for a promise). */
    boolean accepted;
    AllocFailure failure;
    /** Its promise is in the planner's place indexes (false while a re-plan has taken it out). */
    boolean planned;
    /** It may complete at once and waits for the next look (the planner's unsettled set). */
    boolean unsettled;

    Allocation(AllocationPlanner<O> planner, long id, long bytes, long alignment, long countableReleases, O owner) {
        this.planner = planner;
        this.id = id;
        this.bytes = bytes;
        this.alignment = alignment;
        this.countableReleases = countableReleases;
        this.owner = owner;
    }

    AllocationPlanner<O> planner() {
        return planner;
    }

    /** Position in request ({@code create} call) order, from 0. */
    public long id() {
        return id;
    }

    public long bytes() {
        return bytes;
    }

    public long alignment() {
        return alignment;
    }

    /** Releases registered before this request: those with a smaller sequence it may count on. */
    public long countableReleases() {
        return countableReleases;
    }

    /** What the memory attached (its instance). */
    public O owner() {
        return owner;
    }

    public Phase phase() {
        return phase;
    }

    /** Whether it was accepted under pressure before it got bytes. */
    public boolean accepted() {
        return accepted;
    }

    /** Whether it holds bytes now. */
    public boolean live() {
        return phase == Phase.LIVE;
    }

    /**
     * The offset of its bytes: held while {@link Phase#LIVE}, last held once {@link Phase#FREED}.
     *
     * @throws IllegalStateException in any other phase
     */
    public long offset() {
        if (phase != Phase.LIVE && phase != Phase.FREED) {
            throw new IllegalStateException("allocation holds no bytes: " + this);
        }
        return offset;
    }

    /**
     * The planned offset of its promise.
     *
     * @throws IllegalStateException unless it is promised
     */
    public long plannedOffset() {
        if (!phase.promised()) {
            throw new IllegalStateException("allocation has no promise: " + this);
        }
        return offset;
    }

    /** The outstanding destroy, or null. */
    public Release release() {
        return release;
    }

    /** Why it failed, once {@link Phase#failed()}; otherwise null. */
    public AllocFailure failure() {
        return failure;
    }

    @Override
    public String toString() {
        boolean placed = phase.promised() || phase == Phase.LIVE;
        return "allocation[id=" + id + " owner=" + owner + " bytes=" + bytes + " phase=" + phase
                + (placed ? " offset=" + offset : "") + (release != null ? " release=" + release.sequence() : "") + "]";
    }
}
