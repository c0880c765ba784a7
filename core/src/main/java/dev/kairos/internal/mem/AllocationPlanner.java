package dev.kairos.internal.mem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Realm's deferred-allocation rules for one memory: which instance gets which bytes, and when.
 *
 * <p><b>The life of a request.</b> {@link #newRequest} is the {@code create} call: the request
 * waits, holding nothing, until its precondition triggers. Then {@link #decide} takes the
 * decision at once, in this order:
 * <ol>
 *   <li><i>success now</i>: first fit by address in the bytes that are free now and promised to
 *       no one. With no promise outstanding this is one {@link RangeAllocator#allocate}.</li>
 *   <li><i>accepted</i> (only with pressure deferral on): first fit by address in the request's
 *       <i>future view</i>, where everything counts as free except the live instances and the
 *       promised places that nothing it may count on will release. The request gets that place
 *       as a promise.</li>
 *   <li><i>failure now</i> otherwise.</li>
 * </ol>
 * A {@link #registerRelease release} is a {@code destroy} call. When its precondition triggers
 * ({@link #triggerRelease}) the bytes are freed, or, if the allocation has not resolved yet,
 * they are freed the moment it does. Whenever bytes are freed, the promises are re-examined,
 * oldest request first, until nothing more completes: a promise completes at its planned place
 * when that place is entirely free and no older promise overlaps it (a chain of promises on the
 * same bytes completes in order); or it completes early at any free place that overlaps no other
 * promise, so a small request never takes the hole a larger accepted request was planned in.
 *
 * <p><b>Which releases a request may count on.</b> Only releases registered before its
 * {@code create} call returned ({@link Request#countableReleases()}): never one registered
 * later, even if it triggers first. A later {@code destroy} may wait on an event that depends on
 * the new instance's own {@code ready()}; planning the instance into bytes that only such a
 * release frees would make it wait for itself, a deadlock no one could see. A release registered
 * before the create cannot depend on the new instance (the instance did not exist yet), and the
 * promises it counts on were themselves planned from still earlier releases, so waits only ever
 * point backwards in call order and cannot form a cycle. Bytes freed by a later release are of
 * course used once they are free.
 *
 * <p><b>Cancelled releases.</b> When a destroy's precondition is poisoned the instance stays
 * allocated, and the promises that counted on that release (allowed to count on it, and planned
 * over the bytes it would have freed) are planned again in request order, each in its own future
 * view, while every other promise stays where it is. Those that find no place fail, naming the
 * instance whose release was cancelled.
 *
 * <p><b>Invariants</b> ({@link #checkInvariants()}): live instances never overlap each other and
 * tile the used space of the allocator exactly; a promise overlaps a live instance only if that
 * instance has a release the promise may count on, and overlaps another promise only if the older
 * of the two has a release the younger may count on. The last two are what guarantee that every
 * promise completes once the releases it counted on have triggered and the older promises over
 * the same bytes have resolved.
 *
 * <p><b>Cost.</b> Without promises outstanding, deciding and releasing cost what the range
 * allocator costs: O(log n) in the number of free ranges. Under pressure (promises outstanding) a
 * decision builds the request's view from the live and promised instances, O(m log m) for m of
 * them, and a re-examination costs O(p) cheap checks per pass for p promises, plus the view of
 * each promise that could complete.
 *
 * <p><b>Not thread-safe.</b> The memory calls every method with its lock held. Results come back
 * through {@link Effects}, in the order they happen; the memory turns them into event triggers
 * after unlocking. Effects must not call back into the planner.
 */
public final class AllocationPlanner {

    /** What the planner decided during one call, for the memory to act on after unlocking. */
    public interface Effects {
        /** The request now holds {@code [offset, offset + bytes)}: its {@code ready()} may trigger. */
        void allocated(Request request, long offset);

        /** The request will never hold bytes: its {@code ready()} is poisoned with this failure. */
        void failed(Request request, AllocFailure failure);

        /** The release has taken effect (or was a no-op): its event may trigger. */
        void released(Release release);
    }

    /** One instance's allocation, from its {@code create} call to its release. */
    public static final class Request {

        /** Where a request stands. */
        public enum State {
            /** Created; its precondition has not triggered. */
            WAITING,
            /** Accepted: it has a planned place, not yet free. */
            PROMISED,
            /** It holds its bytes. */
            LIVE,
            /** It will never hold bytes. */
            FAILED,
            /** Its precondition was poisoned: it never held bytes. */
            CANCELLED,
            /** It held bytes and gave them back. */
            FREED
        }

        private final AllocationPlanner planner;
        private final long id;
        private final long bytes;
        private final long alignment;
        private final long countableReleases;
        private final Object owner;
        private State state = State.WAITING;
        private long offset = RangeAllocator.NO_FIT;  // planned while PROMISED, taken once LIVE
        private AllocOutcome outcome;
        private AllocFailure failure;
        private Release release;

        private Request(AllocationPlanner planner, long id, long bytes, long alignment, long countableReleases,
                Object owner) {
            this.planner = planner;
            this.id = id;
            this.bytes = bytes;
            this.alignment = alignment;
            this.countableReleases = countableReleases;
            this.owner = owner;
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
        public Object owner() {
            return owner;
        }

        public State state() {
            return state;
        }

        /** The decision and how it resolved; null while {@link State#WAITING}. */
        public AllocOutcome outcome() {
            return outcome;
        }

        /** The offset held while {@link State#LIVE}, and once {@link State#FREED}; otherwise -1. */
        public long offset() {
            return state == State.LIVE || state == State.FREED ? offset : RangeAllocator.NO_FIT;
        }

        /** The planned offset while {@link State#PROMISED}; otherwise -1. */
        public long plannedOffset() {
            return state == State.PROMISED ? offset : RangeAllocator.NO_FIT;
        }

        /** Why it failed, while {@link State#FAILED}; otherwise null. */
        public AllocFailure failure() {
            return failure;
        }

        /** The latest release registered for it, or null. */
        public Release release() {
            return release;
        }

        @Override
        public String toString() {
            return "request[id=" + id + " bytes=" + bytes + " state=" + state
                    + (state == State.PROMISED || state == State.LIVE ? " offset=" + offset : "") + "]";
        }
    }

    /** One {@code destroy} call. */
    public static final class Release {

        /** Where a release stands. */
        public enum State {
            /** Registered; its precondition has not triggered. */
            PENDING,
            /** Triggered before the allocation resolved: it takes effect when it does. */
            TRIGGERED,
            /** Taken effect (or a no-op for an instance that never held bytes). */
            DONE,
            /** Its precondition was poisoned: the instance keeps its bytes. */
            CANCELLED
        }

        private final long sequence;
        private final Request request;
        private State state = State.PENDING;

        private Release(long sequence, Request request) {
            this.sequence = sequence;
            this.request = request;
        }

        /** Position in release ({@code destroy} call) order, from 0. */
        public long sequence() {
            return sequence;
        }

        public Request request() {
            return request;
        }

        public State state() {
            return state;
        }

        /** Whether it will still free bytes: a request that counted on it may keep waiting. */
        boolean outstanding() {
            return state == State.PENDING || state == State.TRIGGERED;
        }

        @Override
        public String toString() {
            return "release[sequence=" + sequence + " request=" + request.id + " state=" + state + "]";
        }
    }

    private static final Comparator<Request> REQUEST_ORDER = Comparator.comparingLong(Request::id);

    private final RangeAllocator allocator;
    private final boolean pressureDeferral;
    private final Set<Request> live = new HashSet<>();                      // guarded by the memory's lock
    private final TreeSet<Request> promised = new TreeSet<>(REQUEST_ORDER);  // guarded by the memory's lock
    private long nextRequestId;        // guarded by the memory's lock
    private long nextReleaseSequence;  // guarded by the memory's lock
    private long waiting;              // guarded by the memory's lock
    private long used;                 // guarded by the memory's lock
    private long peakUsed;             // guarded by the memory's lock
    private long pendingReleaseBytes;  // guarded by the memory's lock

    /**
     * A planner for a memory of {@code capacity} bytes.
     *
     * @param pressureDeferral whether a request that does not fit now may be accepted against
     *     releases requested before it; false is Realm's {@code -ll:defalloc 0}
     * @throws IllegalArgumentException if capacity is negative or above
     *     {@link RangeAllocator#MAX_CAPACITY}
     */
    public AllocationPlanner(long capacity, boolean pressureDeferral) {
        this.allocator = new RangeAllocator(capacity);
        this.pressureDeferral = pressureDeferral;
    }

    // ---- operations -----------------------------------------------------------------------

    /**
     * The {@code create} call: a request that waits for its precondition. It may count on every
     * release registered before this call, and on none registered after.
     *
     * @throws IllegalArgumentException if bytes is negative or above the capacity, or alignment
     *     is not a power of two
     */
    public Request newRequest(long bytes, long alignment, Object owner) {
        if (bytes < 0 || bytes > allocator.capacity()) {
            throw new IllegalArgumentException("instance does not fit in memory: bytes=" + bytes
                    + " capacity=" + allocator.capacity());
        }
        RangeAllocator.checkAlignment(alignment);
        waiting++;
        return new Request(this, nextRequestId++, bytes, alignment, nextReleaseSequence, owner);
    }

    /**
     * The create's precondition triggered: decides at once. A zero-byte request succeeds at
     * offset 0 without taking bytes.
     *
     * @return {@link AllocOutcome#SUCCESS_NOW} (effect: allocated), {@link AllocOutcome#ACCEPTED}
     *     (no effect yet) or {@link AllocOutcome#FAILURE_NOW} (effect: failed)
     * @throws IllegalStateException if the request is not waiting
     */
    public AllocOutcome decide(Request request, Effects out) {
        requireWaiting(request, "decide");
        waiting--;
        long offset = takeNow(request);
        if (offset != RangeAllocator.NO_FIT) {
            becomeLive(request, offset, AllocOutcome.SUCCESS_NOW, out);
            if (request.state == Request.State.FREED) {
                reexamine(out);
            }
            return AllocOutcome.SUCCESS_NOW;
        }
        if (pressureDeferral) {
            long planned = placeInFutureView(request);
            if (planned != RangeAllocator.NO_FIT) {
                request.state = Request.State.PROMISED;
                request.offset = planned;
                request.outcome = AllocOutcome.ACCEPTED;
                promised.add(request);
                return AllocOutcome.ACCEPTED;
            }
        }
        AllocFailure.Reason reason = pressureDeferral ? AllocFailure.Reason.NEVER_FITS
                : AllocFailure.Reason.DOES_NOT_FIT_NOW;
        fail(request, failure(request, reason, null), AllocOutcome.FAILURE_NOW, out);
        return AllocOutcome.FAILURE_NOW;
    }

    /**
     * The create's precondition was poisoned: nothing is allocated, and a release of the request
     * (triggered already or later) is a harmless no-op.
     *
     * @throws IllegalStateException if the request is not waiting
     */
    public void cancel(Request request, Effects out) {
        requireWaiting(request, "cancel");
        waiting--;
        request.state = Request.State.CANCELLED;
        request.outcome = AllocOutcome.CANCELLED;
        completeWithoutBytes(request, out);
    }

    /**
     * The {@code destroy} call, in any state of the request.
     *
     * @throws IllegalStateException if the request already has a release that was not cancelled
     */
    public Release registerRelease(Request request) {
        requireMine(request);
        Release previous = request.release;
        if (previous != null && previous.state != Release.State.CANCELLED) {
            throw new IllegalStateException("instance already destroyed: request=" + request.id
                    + " release=" + previous.sequence + " releaseState=" + previous.state);
        }
        Release release = new Release(nextReleaseSequence++, request);
        request.release = release;
        if (request.state == Request.State.LIVE) {
            pendingReleaseBytes += request.bytes;
        }
        return release;
    }

    /**
     * The destroy's precondition triggered. A live instance is freed now and the promises are
     * re-examined; a waiting or promised one is freed as soon as it is allocated; one that failed
     * or was cancelled releases nothing.
     *
     * @throws IllegalStateException if the release is not pending
     */
    public void triggerRelease(Release release, Effects out) {
        requirePending(release, "trigger");
        Request request = release.request;
        switch (request.state) {
            case LIVE -> {
                pendingReleaseBytes -= request.bytes;
                free(request, release, out);
                reexamine(out);
            }
            case WAITING, PROMISED -> release.state = Release.State.TRIGGERED;
            case FAILED, CANCELLED -> {
                release.state = Release.State.DONE;
                out.released(release);
            }
            case FREED -> throw new IllegalStateException("pending release of a freed instance: " + release);
        }
    }

    /**
     * The destroy's precondition was poisoned: the instance keeps its bytes (it may be destroyed
     * again). The promises that counted on this release are planned again; those that find no
     * place fail with {@link AllocFailure.Reason#RELEASE_CANCELLED}. Every other promise holds.
     *
     * @throws IllegalStateException if the release is not pending
     */
    public void cancelRelease(Release release, Effects out) {
        requirePending(release, "cancel");
        release.state = Release.State.CANCELLED;
        Request request = release.request;
        if (request.state == Request.State.LIVE) {
            pendingReleaseBytes -= request.bytes;
        }
        List<Request> countedOn = promisesCountingOn(release);
        if (countedOn.isEmpty()) {
            return;
        }
        promised.removeAll(countedOn);
        for (Request p : countedOn) {
            long planned = placeInFutureView(p);
            if (planned == RangeAllocator.NO_FIT) {
                fail(p, failure(p, AllocFailure.Reason.RELEASE_CANCELLED, request.owner),
                        AllocOutcome.EVENTUAL_FAILURE, out);
            } else {
                p.offset = planned;
                promised.add(p);
            }
        }
        reexamine(out);
    }

    // ---- accounting -----------------------------------------------------------------------

    public long capacity() {
        return allocator.capacity();
    }

    public boolean pressureDeferral() {
        return pressureDeferral;
    }

    /** Bytes held by live instances, exactly (no rounding). */
    public long used() {
        return used;
    }

    /** The most bytes ever held at once. */
    public long peakUsed() {
        return peakUsed;
    }

    /** Bytes of live instances whose destroy was requested and has not taken effect. */
    public long pendingReleaseBytes() {
        return pendingReleaseBytes;
    }

    public int liveCount() {
        return live.size();
    }

    public int promisedCount() {
        return promised.size();
    }

    /** Requests created whose precondition has not triggered. */
    public long waitingCount() {
        return waiting;
    }

    /**
     * Verifies the allocator and the rules that make promises safe.
     *
     * @throws AssertionError naming the first broken invariant
     */
    public void checkInvariants() {
        allocator.checkInvariants();
        long liveBytes = 0;
        long releasing = 0;
        List<Request> holders = new ArrayList<>(live.size() + promised.size());
        for (Request r : live) {
            if (r.state != Request.State.LIVE) {
                throw new AssertionError("live set holds " + r);
            }
            liveBytes += r.bytes;
            if (r.release != null && r.release.state == Release.State.PENDING) {
                releasing += r.bytes;
            }
            holders.add(r);
        }
        if (liveBytes != used || used != allocator.usedBytes()) {
            throw new AssertionError("used bytes disagree: sumOfLive=" + liveBytes + " used=" + used
                    + " allocatorUsed=" + allocator.usedBytes());
        }
        if (used > capacity() || peakUsed < used) {
            throw new AssertionError("used out of bounds: used=" + used + " peak=" + peakUsed
                    + " capacity=" + capacity());
        }
        if (releasing != pendingReleaseBytes) {
            throw new AssertionError("pending release bytes disagree: sum=" + releasing
                    + " pendingReleaseBytes=" + pendingReleaseBytes);
        }
        if (waiting < 0) {
            throw new AssertionError("negative waiting count: waiting=" + waiting);
        }
        checkLiveTileUsedSpace();
        for (Request p : promised) {
            if (p.state != Request.State.PROMISED || p.bytes == 0) {
                throw new AssertionError("promise set holds " + p);
            }
            if (p.offset < 0 || p.offset > capacity() - p.bytes || p.offset % p.alignment != 0) {
                throw new AssertionError("promise outside capacity or misaligned: " + p + " capacity=" + capacity());
            }
            holders.add(p);
        }
        checkOverlapsAreCounted(holders);
    }

    @Override
    public String toString() {
        return "AllocationPlanner[capacity=" + capacity() + " used=" + used + " peak=" + peakUsed
                + " live=" + live.size() + " promised=" + promised.size() + " waiting=" + waiting
                + " pendingRelease=" + pendingReleaseBytes + " deferral=" + pressureDeferral + "]";
    }

    // ---- placement ------------------------------------------------------------------------

    /** Takes the first place free now and promised to no one, or returns -1 taking nothing. */
    private long takeNow(Request request) {
        if (request.bytes == 0) {
            return 0;
        }
        if (promised.isEmpty()) {
            return allocator.allocate(request.bytes, request.alignment);
        }
        long offset = promisedRangesExcept(null).firstFreeOutside(allocator, request.bytes, request.alignment);
        if (offset != RangeAllocator.NO_FIT) {
            allocator.allocateAt(offset, request.bytes);
        }
        return offset;
    }

    /**
     * First fit in the request's future view: occupied are the live instances and the promises
     * (other than the request and those in the promise set no longer) that have no outstanding
     * release the request may count on.
     */
    private long placeInFutureView(Request request) {
        IntervalUnion occupied = new IntervalUnion();
        for (Request r : live) {
            if (!releaseCountable(r, request)) {
                occupied.add(r.offset, r.offset + r.bytes);
            }
        }
        for (Request p : promised) {
            if (p != request && !releaseCountable(p, request)) {
                occupied.add(p.offset, p.offset + p.bytes);
            }
        }
        return occupied.firstGap(request.bytes, request.alignment, capacity());
    }

    /** Whether holder has an outstanding release registered before request's create. */
    private static boolean releaseCountable(Request holder, Request request) {
        Release r = holder.release;
        return r != null && r.outstanding() && r.sequence < request.countableReleases;
    }

    /** Promises allowed to count on the release and planned over the bytes it would free, in request order. */
    private List<Request> promisesCountingOn(Release release) {
        Request holder = release.request;
        List<Request> counting = new ArrayList<>();
        if ((holder.state != Request.State.LIVE && holder.state != Request.State.PROMISED) || holder.bytes == 0) {
            return counting;
        }
        for (Request p : promised) {
            if (release.sequence < p.countableReleases && overlaps(p, holder)) {
                counting.add(p);
            }
        }
        return counting;
    }

    private IntervalUnion promisedRangesExcept(Request excluded) {
        IntervalUnion union = new IntervalUnion();
        for (Request p : promised) {
            if (p != excluded) {
                union.add(p.offset, p.offset + p.bytes);
            }
        }
        return union;
    }

    // ---- completion -----------------------------------------------------------------------

    /**
     * Completes promises until none can: oldest request first, each at its planned place or, if
     * that is not available, early at a free place that overlaps no other promise. Completing
     * one may free bytes (a release already triggered) or give up a planned place, either of
     * which can let another complete, hence passes until one completes nothing.
     */
    private void reexamine(Effects out) {
        boolean progress = !promised.isEmpty();
        while (progress) {
            progress = false;
            for (Iterator<Request> it = promised.iterator(); it.hasNext(); ) {
                Request p = it.next();
                long offset = completionPlace(p);
                if (offset != RangeAllocator.NO_FIT) {
                    it.remove();
                    allocator.allocateAt(offset, p.bytes);
                    becomeLive(p, offset, AllocOutcome.EVENTUAL_SUCCESS, out);
                    progress = true;
                }
            }
        }
    }

    private long completionPlace(Request p) {
        if (!allocator.canAllocate(p.bytes, p.alignment)) {
            return RangeAllocator.NO_FIT;  // nothing free now is large enough: the common case under pressure
        }
        if (allocator.isFree(p.offset, p.bytes) && !overlapsOlderPromise(p)) {
            return p.offset;
        }
        return promisedRangesExcept(p).firstFreeOutside(allocator, p.bytes, p.alignment);
    }

    private boolean overlapsOlderPromise(Request p) {
        for (Request older : promised.headSet(p, false)) {
            if (overlaps(older, p)) {
                return true;
            }
        }
        return false;
    }

    /** Records that the request holds its bytes (already taken from the allocator) and applies a triggered release. */
    private void becomeLive(Request request, long offset, AllocOutcome outcome, Effects out) {
        request.state = Request.State.LIVE;
        request.offset = offset;
        request.outcome = outcome;
        live.add(request);
        used += request.bytes;
        peakUsed = Math.max(peakUsed, used);
        out.allocated(request, offset);
        Release release = request.release;
        if (release != null && release.state == Release.State.TRIGGERED) {
            free(request, release, out);  // rule 4: a destroy that came first takes effect now
        } else if (release != null && release.state == Release.State.PENDING) {
            pendingReleaseBytes += request.bytes;
        }
    }

    private void free(Request request, Release release, Effects out) {
        if (request.bytes > 0) {
            allocator.free(request.offset, request.bytes);
        }
        live.remove(request);
        used -= request.bytes;
        request.state = Request.State.FREED;
        release.state = Release.State.DONE;
        out.released(release);
    }

    private void fail(Request request, AllocFailure failure, AllocOutcome outcome, Effects out) {
        request.state = Request.State.FAILED;
        request.outcome = outcome;
        request.failure = failure;
        out.failed(request, failure);
        completeWithoutBytes(request, out);
    }

    /** A release already triggered on a request that will never hold bytes is done: nothing to free. */
    private static void completeWithoutBytes(Request request, Effects out) {
        Release release = request.release;
        if (release != null && release.state == Release.State.TRIGGERED) {
            release.state = Release.State.DONE;
            out.released(release);
        }
    }

    private AllocFailure failure(Request request, AllocFailure.Reason reason, Object cancelledReleaseOwner) {
        long countable = 0;
        for (Request r : live) {
            if (r.release != null && r.release.state == Release.State.PENDING
                    && r.release.sequence < request.countableReleases) {
                countable += r.bytes;
            }
        }
        long promisedBytes = 0;
        for (Request p : promised) {
            promisedBytes += p.bytes;
        }
        return new AllocFailure(reason, request.bytes, request.alignment, capacity(), used, pendingReleaseBytes,
                countable, promisedBytes, cancelledReleaseOwner);
    }

    // ---- checks ---------------------------------------------------------------------------

    private static boolean overlaps(Request a, Request b) {
        return a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
    }

    private void requireMine(Request request) {
        if (request.planner != this) {
            throw new IllegalArgumentException("request belongs to another memory: " + request);
        }
    }

    private void requireWaiting(Request request, String operation) {
        requireMine(request);
        if (request.state != Request.State.WAITING) {
            throw new IllegalStateException("cannot " + operation + " a request that is not waiting: " + request);
        }
    }

    private void requirePending(Release release, String operation) {
        requireMine(release.request);
        if (release.state != Release.State.PENDING) {
            throw new IllegalStateException("cannot " + operation + " a release that is not pending: " + release);
        }
    }

    /** A piece of the address range for the tiling check: a live instance, or free space (request null). */
    private record Piece(long start, long end, Request request) {
        @Override
        public String toString() {
            return (request == null ? "free" : request.toString()) + " [" + start + ", " + end + ")";
        }
    }

    /** Live instances and free ranges must not overlap; with used + free == capacity they then tile it. */
    private void checkLiveTileUsedSpace() {
        List<Piece> pieces = new ArrayList<>();
        for (Request r : live) {
            if (r.bytes > 0) {
                pieces.add(new Piece(r.offset, r.offset + r.bytes, r));
            }
        }
        allocator.forEachFreeRange((offset, size) -> pieces.add(new Piece(offset, offset + size, null)));
        pieces.sort(Comparator.comparingLong(Piece::start));
        for (int i = 1; i < pieces.size(); i++) {
            if (pieces.get(i).start() < pieces.get(i - 1).end()) {
                throw new AssertionError("live instance overlaps another or free space: first=" + pieces.get(i - 1)
                        + " second=" + pieces.get(i));
            }
        }
    }

    /**
     * Every overlap involving a promise must be one it counted on: a promise over a live instance
     * needs that instance's release, registered before the promise's create; two overlapping
     * promises need the older one's release, registered before the younger one's create.
     */
    private static void checkOverlapsAreCounted(List<Request> holders) {
        holders.sort(Comparator.comparingLong((Request r) -> r.offset));
        for (int i = 0; i < holders.size(); i++) {
            Request a = holders.get(i);
            for (int j = i + 1; j < holders.size() && holders.get(j).offset < a.offset + a.bytes; j++) {
                Request b = holders.get(j);
                if (b.bytes == 0 || (a.state == Request.State.LIVE && b.state == Request.State.LIVE)) {
                    continue;
                }
                Request first = a.state == Request.State.LIVE || (b.state != Request.State.LIVE && a.id < b.id) ? a : b;
                Request second = first == a ? b : a;
                if (!releaseCountable(first, second)) {
                    String problem = first.release != null && first.release.outstanding()
                            ? "promise counts on a release registered after its create"
                            : "promise overlaps bytes that no outstanding release will free";
                    throw new AssertionError(problem + ": promise=" + second + " holder=" + first
                            + " holderRelease=" + first.release + " countableReleases=" + second.countableReleases);
                }
            }
        }
    }
}
