package dev.kairos.internal.mem;

import dev.kairos.internal.mem.Allocation.Phase;
import dev.kairos.internal.mem.Allocation.Release;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deferred-allocation rules of docs/DEFERRED_ALLOCATION.md for one memory: which instance gets
 * which bytes, and when.
 *
 * <p><b>Decisions (rules 1, 2, 4).</b> {@link #newRequest} is the {@code create} call: the
 * request waits, holding nothing, until its precondition triggers. {@link #decide} then places it
 * at the first place (by address) that is free now and promised to no one; failing that, with
 * pressure deferral on, it is <i>accepted</i>: it gets the first place of its <i>future view</i>,
 * where everything counts as free except the live instances and the promises that have no release
 * it may count on. Only releases registered before its create may be counted on (the deadlock
 * rule: a later destroy may wait on this very instance). Otherwise it fails. A destroy
 * ({@link #registerRelease}) takes effect when its precondition triggers ({@link #triggerRelease}),
 * or, for an allocation not yet resolved, right after it resolves.
 *
 * <p><b>Passes: promises move (rule 5).</b> Whenever bytes are freed, a <i>pass</i> looks at the
 * promises oldest first. A promise p with a place free now and planned for no older promise (its
 * <i>now view</i>; f, the first such place by address) tries to complete there: the younger
 * promises are <i>replayed</i> with p fixed at f, each in request order either completing at once
 * at the first place of its own now view, or keeping its plan if nothing placed before it broke
 * it, or, when broken (planned over bytes now held by an instance whose release it may not count
 * on), planned again at the first place of its future view. If every broken promise finds a new
 * plan, the replay is adopted (the pass is over: every younger promise has been looked at);
 * otherwise nothing of it happens, p completes at its own plan if that place is free in its now
 * view, or else stays <i>unsettled</i>: it could complete at once but may not, and it is looked at
 * again in every later pass. Completions whose destroy had already triggered free their bytes after
 * the pass, and another pass follows. A pass also runs after a cancelled release moved or failed
 * promises, and right after a request is accepted when it could complete at once. E9 is a replay
 * that breaks a promise with no other plan; E8 one that succeeds, because the younger promise F
 * completes at once in its turn and leaves G its new plan.
 *
 * <p><b>Cost: look only where something changed.</b> A promise that has no place in its now view
 * stays so until bytes near it are freed or a claim over free bytes is given up, so a pass does not
 * visit every promise: its candidates are the unsettled promises and the <i>gainers</i> of the
 * regions that changed (the maximal free range around freed bytes, the free part of a plan given
 * up), found with three indexes ({@link PlaceIndex}): promises by place, promises by id with their
 * sizes, and the holders of outstanding releases by place with their release sequence. The future
 * view is kept whole, incrementally, in a second {@link RangeAllocator} whose used space is exactly
 * the holders without an outstanding release (such holders never overlap one another); a request
 * that may not count on every release also avoids, one by one, the holders of releases registered
 * after its create. The view and the release index exist only while promises may (built from the
 * live instances when a request first does not fit now, dropped after a calm stretch as long as
 * the rebuild), so a memory never under pressure pays nothing for them. A replay touches only the
 * promises it places, breaks or plans again, and a promise whose first place is its own plan needs
 * none (it breaks no one: what a replay would do is the rest of the pass). So a
 * release costs O((c + 1) log n) for the c promises it completes, moves or finds unsettled, and a
 * decision O((k + 1) log n) for the k claims or late releases it steps over: draining n accepted
 * requests is O(n log n) whatever the order of the releases, unless fragmentation keeps many
 * promises unsettled (each is looked at again per pass). With {@link #setWorkBudget} a long pass
 * stops between two promises and {@link #continueWork} resumes it; decisions taken meanwhile see
 * the promises as they stand.
 *
 * <p><b>Invariants</b> ({@link #checkInvariants()}): live instances never overlap and tile the
 * used space; a promise overlaps a live instance only if it may count on that instance's release,
 * and another promise only if the older of the two has a release the younger may count on: this is
 * what lets every promise complete once the releases it may count on have triggered. Every promise
 * that could complete at once is unsettled or pending in a pass.
 *
 * <p><b>Not thread-safe.</b> The memory calls every method with its lock held. Results come back
 * through {@link Effects}, in the order they happen; the memory acts on them after unlocking.
 * Effects must not call back into the planner.
 *
 * @param <O> what the memory attaches to each allocation: its instance
 */
public final class AllocationPlanner<O> {

    /** What the planner decided during one call, for the memory to act on after unlocking. */
    public interface Effects<O> {
        /** The allocation now holds its bytes at {@link Allocation#offset()}: its {@code ready()} may trigger. */
        void allocated(Allocation<O> allocation);

        /** The allocation will never hold bytes ({@link Allocation#failure()} says why): {@code ready()} is poisoned. */
        void failed(Allocation<O> allocation);

        /** Its destroy has taken effect: {@code heldBytes} says whether bytes were freed or it was a no-op. */
        void released(Allocation<O> allocation, boolean heldBytes);
    }

    /** Bytes whose now view may have grown for requests younger than {@code after}. */
    private record Region(long start, long end, long after) {}

    /** A half-open byte range, for the scratch lists of a gainer search. */
    private record Piece(long start, long end) {}

    private static final Comparator<Allocation<?>> BY_ID = Comparator.comparingLong(Allocation::id);
    private static final long NONE = RangeAllocator.NO_FIT;

    private final long capacity;
    private final boolean pressureDeferral;
    private final RangeAllocator now;                                 // guarded by the memory's lock
    private final PlaceIndex<O> plans = new PlaceIndex<>();           // guarded by the memory's lock
    private final PlaceIndex<O> promises = new PlaceIndex<>();        // guarded by the memory's lock
    /** The future view and the holders of outstanding releases; null while calm (see {@link #track()}). */
    private RangeAllocator future;                                    // guarded by the memory's lock
    private PlaceIndex<O> releasing;                                  // guarded by the memory's lock
    private long calmOperations;                                      // guarded by the memory's lock
    private final TreeMap<Long, Allocation<O>> unsettled = new TreeMap<>();  // guarded by the memory's lock
    private final Set<Allocation<O>> live = new HashSet<>();          // guarded by the memory's lock
    private long nextRequestId;        // guarded by the memory's lock
    private long nextReleaseSequence;  // guarded by the memory's lock
    private long waiting;              // guarded by the memory's lock
    private long used;                 // guarded by the memory's lock
    private long peakUsed;             // guarded by the memory's lock
    private long pendingReleaseBytes;  // guarded by the memory's lock
    private long promisedBytes;        // guarded by the memory's lock

    // The pass in progress (or suspended by the work budget).
    private final List<Region> dirty = new ArrayList<>();             // guarded by the memory's lock
    private final List<Allocation<O>> toFree = new ArrayList<>();     // guarded by the memory's lock
    private boolean passRequested;     // guarded by the memory's lock
    private long position = -1;        // guarded by the memory's lock: ids up to it were looked at
    private int workBudget = Integer.MAX_VALUE;  // guarded by the memory's lock

    /**
     * A planner for a memory of {@code capacity} bytes.
     *
     * @param pressureDeferral whether a request that does not fit now may be accepted against
     *     releases requested before it; false is Realm's {@code -ll:defalloc 0}
     * @throws IllegalArgumentException if capacity is negative or above
     *     {@link RangeAllocator#MAX_CAPACITY}
     */
    public AllocationPlanner(long capacity, boolean pressureDeferral) {
        this.now = new RangeAllocator(capacity);
        this.capacity = capacity;
        this.pressureDeferral = pressureDeferral;
    }

    /**
     * Bounds the promises one call looks at in passes; what is left waits for
     * {@link #continueWork}. The default has no bound.
     *
     * @throws IllegalArgumentException if budget is below 1
     */
    public void setWorkBudget(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("work budget must be at least 1: budget=" + budget);
        }
        this.workBudget = budget;
    }

    /** Whether a pass was cut short by the work budget and waits for {@link #continueWork}. */
    public boolean hasPendingWork() {
        return passRequested;
    }

    /** Goes on with a pass the work budget cut short. */
    public void continueWork(Effects<O> out) {
        runPasses(out);
    }

    // ---- operations -----------------------------------------------------------------------

    /**
     * The {@code create} call: a request that waits for its precondition. It may count on every
     * release registered before this call, and on none registered after.
     *
     * @throws IllegalArgumentException if bytes is negative or above the capacity, or alignment
     *     is not a power of two
     */
    public Allocation<O> newRequest(long bytes, long alignment, O owner) {
        if (bytes < 0 || bytes > capacity) {
            throw new IllegalArgumentException("instance does not fit in memory: bytes=" + bytes + " capacity=" + capacity);
        }
        RangeAllocator.checkAlignment(alignment);
        waiting++;
        return new Allocation<>(this, nextRequestId++, bytes, alignment, nextReleaseSequence, owner);
    }

    /**
     * The create's precondition triggered: decides at once. A zero-byte request succeeds at offset 0
     * without taking bytes.
     *
     * @return the decision: {@link Phase#LIVE} (success now; effect: allocated, and released if its
     *     destroy came first), {@link Phase#PROMISED} (accepted; it may complete within this call)
     *     or a failed phase (effect: failed)
     * @throws IllegalStateException if the request is not waiting
     */
    public Phase decide(Allocation<O> a, Effects<O> out) {
        requireWaiting(a, "decide");
        waiting--;
        boolean destroyedFirst = a.phase == Phase.WAITING_DESTROYED;
        calmDown();
        long offset;
        if (a.bytes() == 0) {
            offset = 0;
        } else if (promises.isEmpty()) {
            offset = now.allocate(a.bytes(), a.alignment());  // nothing promised: one search, and the bytes are taken
        } else {
            offset = nowFit(a, Long.MAX_VALUE);
            if (offset != NONE) {
                now.allocateAt(offset, a.bytes());
            }
        }
        if (offset != NONE) {
            if (a.bytes() > 0) {
                hold(a, offset);
            }
            a.phase = Phase.LIVE;
            a.offset = offset;
            becameLive(a, out);
            if (destroyedFirst) {
                free(a, out);
                runPasses(out);
            } else if (a.release != null) {
                pendingReleaseBytes += a.bytes();  // a destroy registered before the decision, not triggered yet
            }
            return Phase.LIVE;
        }
        if (!pressureDeferral) {
            fail(a, Phase.FAILED_DOES_NOT_FIT_NOW, null, out);
            return a.phase;
        }
        track();
        long planned = futureFit(a);
        if (planned == NONE) {
            fail(a, Phase.FAILED_NEVER_FITS, null, out);
            return a.phase;
        }
        a.phase = destroyedFirst ? Phase.PROMISED_DESTROYED : Phase.PROMISED;
        a.accepted = true;
        a.offset = planned;
        promises.insert(a, 0, 1, 0);
        plan(a, planned);
        promisedBytes += a.bytes();
        if (nowFit(a, a.id()) != NONE) {
            // Bytes free now but promised to younger requests only: rule 5 may give it them at once.
            unsettle(a, true);
            requestPass();
            runPasses(out);
        }
        return Phase.PROMISED;
    }

    /**
     * The create's precondition was poisoned: nothing is allocated, and a release of the request
     * (triggered already or later) is a harmless no-op.
     *
     * @throws IllegalStateException if the request is not waiting
     */
    public void cancel(Allocation<O> a, Effects<O> out) {
        requireWaiting(a, "cancel");
        waiting--;
        boolean destroyedFirst = a.phase == Phase.WAITING_DESTROYED;
        a.phase = Phase.CANCELLED;
        if (destroyedFirst) {
            a.release = null;
            out.released(a, false);
        }
    }

    /**
     * The {@code destroy} call, in any phase before the instance is freed.
     *
     * @throws IllegalStateException if the allocation already has an outstanding release or was freed
     */
    public Release registerRelease(Allocation<O> a) {
        requireMine(a);
        calmDown();
        if (a.release != null || a.phase == Phase.FREED) {
            throw new IllegalStateException("instance already destroyed: " + a);
        }
        Release release = new Release(nextReleaseSequence++, nextRequestId);
        if (a.phase == Phase.LIVE) {
            pendingReleaseBytes += a.bytes();
        }
        if (holdsPlace(a)) {
            // A holder without a release blocks every future view; with one, only those of requests created before it.
            unhold(a, a.offset);
            a.release = release;
            hold(a, a.offset);
        } else {
            a.release = release;
        }
        return release;
    }

    /**
     * The destroy's precondition triggered. A live instance is freed now and the promises are looked
     * at again; a waiting or promised one is freed as soon as it is allocated; one that failed or was
     * cancelled releases nothing.
     *
     * @throws IllegalStateException if the allocation has no pending release
     */
    public void triggerRelease(Allocation<O> a, Effects<O> out) {
        requirePendingRelease(a, "trigger");
        calmDown();
        switch (a.phase) {
            case WAITING -> a.phase = Phase.WAITING_DESTROYED;
            case PROMISED -> a.phase = Phase.PROMISED_DESTROYED;
            case LIVE -> {
                pendingReleaseBytes -= a.bytes();
                free(a, out);
                runPasses(out);
            }
            default -> {
                a.release = null;
                out.released(a, false);
            }
        }
    }

    /**
     * The destroy's precondition was poisoned: the instance keeps its bytes (it may be destroyed
     * again). The promises that counted on this release are planned again, in request order, each
     * in its own future view; those that find no place fail with
     * {@link Phase#FAILED_RELEASE_CANCELLED}. Every other promise holds, then a pass runs.
     *
     * @throws IllegalStateException if the allocation has no pending release
     */
    public void cancelRelease(Allocation<O> a, Effects<O> out) {
        requirePendingRelease(a, "cancel");
        calmDown();
        Release release = a.release;
        if (a.phase == Phase.LIVE) {
            pendingReleaseBytes -= a.bytes();
        }
        if (!holdsPlace(a)) {
            a.release = null;
            return;
        }
        long start = a.offset;
        List<Allocation<O>> countedOn = new ArrayList<>();
        for (PlaceIndex.Entry<O> e : plans.overlapping(start, start + a.bytes(), release.firstCountingId() - 1, Long.MAX_VALUE)) {
            countedOn.add(e.allocation);
        }
        countedOn.sort(BY_ID);
        for (Allocation<O> p : countedOn) {
            unplan(p);
        }
        unhold(a, start);  // after the promises over it have left: it blocks every future view from now on
        a.release = null;
        hold(a, start);
        for (Allocation<O> p : countedOn) {
            long old = p.offset;
            long planned = futureFit(p);
            if (planned == NONE) {
                promises.remove(p, 0);
                unsettle(p, false);
                promisedBytes -= p.bytes();
                fail(p, Phase.FAILED_RELEASE_CANCELLED, String.valueOf(a.owner()), out);
            } else {
                p.offset = planned;
                plan(p, planned);
                unsettle(p, true);
            }
            dirty.add(new Region(old, old + p.bytes(), p.id()));
        }
        if (!countedOn.isEmpty()) {
            requestPass();
            runPasses(out);
        }
    }

    // ---- accounting -----------------------------------------------------------------------

    public long capacity() {
        return capacity;
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
        return promises.size();
    }

    /** Requests created whose precondition has not triggered. */
    public long waitingCount() {
        return waiting;
    }

    /** Whether the future view is kept now (while promises may exist); for tests. */
    boolean keepsFutureView() {
        return future != null;
    }

    @Override
    public String toString() {
        return "AllocationPlanner[capacity=" + capacity + " used=" + used + " peak=" + peakUsed + " live=" + live.size()
                + " promised=" + promises.size() + " unsettled=" + unsettled.size() + " waiting=" + waiting
                + " pendingRelease=" + pendingReleaseBytes + " deferral=" + pressureDeferral + "]";
    }

    // ---- places ---------------------------------------------------------------------------

    /** The first place of a's now view: free now and planned for no promise older than {@code idBelow}. */
    private long nowFit(Allocation<O> a, long idBelow) {
        long from = 0;
        while (true) {
            long candidate = now.firstFit(a.bytes(), a.alignment(), from);
            if (candidate == NONE) {
                return NONE;
            }
            PlaceIndex.Entry<O> claim = plans.anyOverlap(candidate, candidate + a.bytes(), idBelow);
            if (claim == null) {
                return candidate;
            }
            from = claim.end;
        }
    }

    /**
     * The first place of a's future view: outside every holder without a release (the future
     * allocator's used space) and every holder whose release was registered after a's create. a
     * itself must not be indexed.
     */
    private long futureFit(Allocation<O> a) {
        long from = 0;
        while (true) {
            long candidate = future.firstFit(a.bytes(), a.alignment(), from);
            if (candidate == NONE) {
                return NONE;
            }
            PlaceIndex.Entry<O> late = releasing.anyOverlapWithKeyAtLeast(candidate, candidate + a.bytes(),
                    a.countableReleases());
            if (late == null) {
                return candidate;
            }
            from = late.end;
        }
    }

    /**
     * Keeps the future view from now on. It is needed only while promises may exist, so a memory
     * that is never under pressure never pays for it; it is built when the first request does not
     * fit now, from the live instances: O(n log n) for n of them, paid for by the operations that
     * ran since it was last dropped ({@link #calmDown}).
     */
    private void track() {
        calmOperations = live.size() + 64L;
        if (future != null) {
            return;
        }
        future = new RangeAllocator(capacity);
        releasing = new PlaceIndex<>();
        for (Allocation<O> a : live) {
            if (a.bytes() > 0) {
                hold(a, a.offset);
            }
        }
    }

    /** Counts an operation; after as many operations without a promise as live instances (and 64), drops the future view. */
    private void calmDown() {
        if (future == null) {
            return;
        }
        if (!promises.isEmpty() || passRequested) {
            calmOperations = live.size() + 64L;
        } else if (--calmOperations <= 0) {
            future = null;
            releasing = null;
        }
    }

    private static boolean holdsPlace(Allocation<?> a) {
        return a.bytes() > 0 && (a.phase == Phase.LIVE || (a.phase.promised() && a.planned));
    }

    /** Indexes a promise at {@code offset}: among the plans, and as a holder. */
    private void plan(Allocation<O> a, long offset) {
        plans.insert(a, offset, offset + a.bytes(), 0);
        a.planned = true;
        hold(a, offset);
    }

    private void hold(Allocation<O> a, long offset) {
        if (future == null) {
            return;
        } else if (a.release == null) {
            future.allocateAt(offset, a.bytes());
        } else {
            releasing.insert(a, offset, offset + a.bytes(), a.release.sequence());
        }
    }

    private void unhold(Allocation<O> a, long offset) {
        if (future == null) {
            return;
        } else if (a.release == null) {
            future.free(offset, a.bytes());
        } else {
            releasing.remove(a, offset);
        }
    }

    /** Takes a promise out of the plans and the future view; it stays among the promises. */
    private void unplan(Allocation<O> a) {
        plans.remove(a, a.offset);
        a.planned = false;
        unhold(a, a.offset);
    }

    // ---- passes ---------------------------------------------------------------------------

    private void requestPass() {
        passRequested = true;
        position = -1;  // something changed: older promises may gain too
    }

    private void unsettle(Allocation<O> a, boolean value) {
        if (a.unsettled != value) {
            a.unsettled = value;
            if (value) {
                unsettled.put(a.id(), a);
            } else {
                unsettled.remove(a.id());
            }
        }
    }

    private void runPasses(Effects<O> out) {
        int looked = 0;
        while (passRequested) {
            if (promises.isEmpty()) {
                endPass(out);
                continue;
            }
            Allocation<O> p = nextCandidate(position, dirty, null);
            if (p == null) {
                endPass(out);
                continue;
            }
            if (looked++ >= workBudget) {
                return;
            }
            position = p.id();
            if (examine(p, out)) {
                endPass(out);
            }
        }
    }

    /** Ends the pass: completions whose destroy came first free their bytes now, which asks for another. */
    private void endPass(Effects<O> out) {
        dirty.clear();
        position = -1;
        passRequested = false;
        if (!toFree.isEmpty()) {
            List<Allocation<O>> freeing = List.copyOf(toFree);
            toFree.clear();
            for (Allocation<O> a : freeing) {
                free(a, out);
            }
        }
    }

    /**
     * Looks at one promise in its turn. Returns true when a replay was adopted, which ends the pass.
     */
    private boolean examine(Allocation<O> p, Effects<O> out) {
        long place = nowFit(p, p.id());
        if (place == NONE) {
            unsettle(p, false);
            return false;
        }
        if (place != p.offset) {
            Replay replay = new Replay();
            if (replay.run(p, place)) {
                replay.commit(out);
                return true;
            }
        }
        // At its own plan p breaks no one (younger promises over it count on its release), so the
        // replay of the younger ones is what the rest of this pass does anyway: no need to try it
        // first. Elsewhere, the replay failed; the plan is the fallback when it is free.
        if (place == p.offset || (now.isFree(p.offset, p.bytes()) && plans.anyOverlap(p.offset, p.offset + p.bytes(), p.id()) == null)) {
            unsettle(p, false);
            promises.remove(p, 0);
            plans.remove(p, p.offset);
            p.planned = false;
            now.allocateAt(p.offset, p.bytes());
            promisedBytes -= p.bytes();
            complete(p, out);
            return false;
        }
        unsettle(p, true);
        return false;
    }

    /**
     * The next promise after {@code after}, in request order, that may have a place in its now view:
     * unsettled, broken by the replay (when {@code broken} is given), or gaining in a region.
     */
    private Allocation<O> nextCandidate(long after, List<Region> regions, TreeMap<Long, Allocation<O>> broken) {
        Allocation<O> best = null;
        var u = unsettled.higherEntry(after);
        if (u != null) {
            best = u.getValue();
        }
        if (broken != null) {
            var b = broken.higherEntry(after);
            if (b != null && (best == null || b.getKey() < best.id())) {
                best = b.getValue();
            }
        }
        for (Region r : regions) {
            long bound = best == null ? Long.MAX_VALUE : best.id();
            Allocation<O> g = nextGainer(r, Math.max(after, r.after()), bound);
            if (g != null && (best == null || g.id() < best.id())) {
                best = g;
            }
        }
        return best;
    }

    /**
     * The promise of least id in {@code (after, below)} that has a place in its now view within the
     * free ranges around region r, or null. The view of a request younger than {@code after} there
     * is those free bytes less the plans of promises older than it: the search walks the claimants
     * in request order and, between two of them, asks the index by id for the first promise small
     * enough for what is left.
     */
    private Allocation<O> nextGainer(Region r, long after, long below) {
        List<Piece> view = new ArrayList<>(2);
        now.forEachFreeRangeOverlapping(r.start(), r.end(), (start, size) -> view.add(new Piece(start, start + size)));
        if (view.isEmpty()) {
            return null;
        }
        cutClaims(view, after + 1);
        long position = after;
        while (!view.isEmpty() && position < below) {
            PlaceIndex.Entry<O> claimant = null;
            long longest = 0;
            for (Piece piece : view) {
                PlaceIndex.Entry<O> c = plans.leastIdAbove(piece.start(), piece.end(), position);
                if (c != null && (claimant == null || c.id < claimant.id)) {
                    claimant = c;
                }
                longest = Math.max(longest, piece.end() - piece.start());
            }
            long limit = Math.min(below, claimant == null ? Long.MAX_VALUE : claimant.id);
            for (PlaceIndex.Entry<O> e = promises.firstWithSizeAtMost(position, limit, longest); e != null;
                    e = promises.firstWithSizeAtMost(e.id, limit, longest)) {
                if (fits(view, e.allocation)) {
                    return e.allocation;
                }
            }
            if (claimant == null || claimant.id >= below) {
                return null;
            }
            if (fits(view, claimant.allocation)) {
                return claimant.allocation;
            }
            position = claimant.id;
            cut(view, claimant.start, claimant.end);
        }
        return null;
    }

    /** Removes from the view every plan of a promise older than {@code idBelow}. */
    private void cutClaims(List<Piece> view, long idBelow) {
        for (int i = 0; i < view.size(); ) {
            Piece piece = view.get(i);
            PlaceIndex.Entry<O> claim = plans.anyOverlap(piece.start(), piece.end(), idBelow);
            if (claim == null) {
                i++;
            } else {
                cut(view, claim.start, claim.end);
            }
        }
    }

    private static void cut(List<Piece> view, long start, long end) {
        List<Piece> kept = new ArrayList<>(view.size() + 1);
        for (Piece piece : view) {
            if (piece.end() <= start || piece.start() >= end) {
                kept.add(piece);
                continue;
            }
            if (piece.start() < start) {
                kept.add(new Piece(piece.start(), start));
            }
            if (piece.end() > end) {
                kept.add(new Piece(end, piece.end()));
            }
        }
        view.clear();
        view.addAll(kept);
    }

    private static boolean fits(List<Piece> view, Allocation<?> a) {
        for (Piece piece : view) {
            if (RangeAllocator.alignUp(piece.start(), a.alignment()) <= piece.end() - a.bytes()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One attempt to complete a promise early: every change it makes to the indexes and allocators
     * is undone if a broken promise finds no new plan. The allocations themselves change only when
     * it is adopted.
     */
    private final class Replay {
        private final List<Runnable> undo = new ArrayList<>();
        private final List<Allocation<O>> placed = new ArrayList<>();
        private final List<Long> placedAt = new ArrayList<>();
        private final List<Allocation<O>> moved = new ArrayList<>();
        private final List<Long> movedTo = new ArrayList<>();
        private final TreeMap<Long, Allocation<O>> broken = new TreeMap<>();
        private final List<Region> regions = new ArrayList<>(dirty);

        boolean run(Allocation<O> p, long place) {
            placeNow(p, place, false);
            long after = p.id();
            for (Allocation<O> q = nextCandidate(after, regions, broken); q != null; q = nextCandidate(after, regions, broken)) {
                after = q.id();
                boolean wasBroken = broken.remove(q.id()) != null;
                long at = nowFit(q, q.id());
                if (at != NONE) {
                    placeNow(q, at, wasBroken);
                } else if (wasBroken) {
                    long planned = futureFit(q);
                    if (planned == NONE) {
                        rollBack();
                        return false;
                    }
                    if (q.unsettled) {
                        unsettledOff(q);
                    }
                    Allocation<O> moving = q;
                    plans.insert(moving, planned, planned + moving.bytes(), 0);
                    hold(moving, planned);
                    undo.add(() -> {
                        unhold(moving, planned);
                        plans.remove(moving, planned);
                    });
                    moved.add(q);
                    movedTo.add(planned);
                } else if (q.unsettled) {
                    unsettledOff(q);
                }
            }
            return true;
        }

        /** q completes at {@code place}, tentatively; promises it breaks lose their plans until their turn. */
        private void placeNow(Allocation<O> q, long place, boolean wasBroken) {
            long old = q.offset;
            if (q.unsettled) {
                unsettledOff(q);
            }
            promises.remove(q, 0);
            undo.add(() -> promises.insert(q, 0, 1, 0));
            if (!wasBroken) {
                plans.remove(q, old);
                unhold(q, old);
                undo.add(() -> {
                    plans.insert(q, old, old + q.bytes(), 0);
                    hold(q, old);
                });
            }
            long end = place + q.bytes();
            long firstCounting = q.release == null ? Long.MAX_VALUE : q.release.firstCountingId();
            for (PlaceIndex.Entry<O> e : plans.overlapping(place, end, q.id(), firstCounting)) {
                Allocation<O> d = e.allocation;
                plans.remove(d, e.start);
                unhold(d, e.start);
                broken.put(d.id(), d);
                regions.add(new Region(e.start, e.end, d.id()));
                undo.add(() -> {
                    plans.insert(d, e.start, e.end, 0);
                    hold(d, e.start);
                });
            }
            now.allocateAt(place, q.bytes());
            hold(q, place);
            undo.add(() -> {
                unhold(q, place);
                now.free(place, q.bytes());
            });
            regions.add(new Region(old, old + q.bytes(), q.id()));
            placed.add(q);
            placedAt.add(place);
        }

        private void unsettledOff(Allocation<O> q) {
            unsettle(q, false);
            undo.add(() -> unsettle(q, true));
        }

        private void rollBack() {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
        }

        void commit(Effects<O> out) {
            for (int i = 0; i < moved.size(); i++) {
                Allocation<O> q = moved.get(i);
                q.offset = movedTo.get(i);
                q.planned = true;
            }
            for (int i = 0; i < placed.size(); i++) {
                Allocation<O> q = placed.get(i);
                q.offset = placedAt.get(i);
                q.planned = false;
                promisedBytes -= q.bytes();
                complete(q, out);
            }
        }
    }

    /** A promise holds its bytes, already taken from the allocators; a destroy that came first waits for the pass to end. */
    private void complete(Allocation<O> a, Effects<O> out) {
        boolean destroyedFirst = a.phase == Phase.PROMISED_DESTROYED;
        a.phase = Phase.LIVE;
        becameLive(a, out);
        if (destroyedFirst) {
            toFree.add(a);
        } else if (a.release != null) {
            pendingReleaseBytes += a.bytes();
        }
    }

    private void becameLive(Allocation<O> a, Effects<O> out) {
        live.add(a);
        used += a.bytes();
        peakUsed = Math.max(peakUsed, used);
        out.allocated(a);
    }

    /** Gives back a live allocation's bytes; freed bytes start (or join) a pass. */
    private void free(Allocation<O> a, Effects<O> out) {
        if (a.bytes() > 0) {
            now.free(a.offset, a.bytes());
            unhold(a, a.offset);
            if (!promises.isEmpty()) {
                dirty.add(new Region(a.offset, a.offset + a.bytes(), -1));
                requestPass();
            }
        }
        live.remove(a);
        used -= a.bytes();
        a.phase = Phase.FREED;
        a.release = null;
        out.released(a, true);
    }

    private void fail(Allocation<O> a, Phase failed, String cancelledReleaseOf, Effects<O> out) {
        boolean destroyedFirst = a.phase == Phase.WAITING_DESTROYED || a.phase == Phase.PROMISED_DESTROYED;
        a.phase = failed;
        a.failure = failure(a, failed, cancelledReleaseOf);
        out.failed(a);
        if (destroyedFirst) {
            a.release = null;
            out.released(a, false);
        }
    }

    private AllocFailure failure(Allocation<O> a, Phase failed, String cancelledReleaseOf) {
        long countable = 0;
        for (Allocation<O> h : live) {
            if (h.release != null && h.release.sequence() < a.countableReleases()) {
                countable += h.bytes();
            }
        }
        return new AllocFailure(failed, a.bytes(), a.alignment(), capacity, used, pendingReleaseBytes, countable,
                promisedBytes, cancelledReleaseOf);
    }

    // ---- checks ---------------------------------------------------------------------------

    private void requireMine(Allocation<O> a) {
        if (a.planner() != this) {
            throw new IllegalArgumentException("allocation belongs to another memory: " + a);
        }
    }

    private void requireWaiting(Allocation<O> a, String operation) {
        requireMine(a);
        if (!a.phase.waiting()) {
            throw new IllegalStateException("cannot " + operation + " a request that is not waiting: " + a);
        }
    }

    private void requirePendingRelease(Allocation<O> a, String operation) {
        requireMine(a);
        if (a.release == null || a.phase == Phase.WAITING_DESTROYED || a.phase == Phase.PROMISED_DESTROYED) {
            throw new IllegalStateException("cannot " + operation + " a release that is not pending: " + a);
        }
    }

    /**
     * Verifies the allocators, the indexes and the rules that make promises safe.
     *
     * @throws AssertionError naming the first broken invariant
     */
    public void checkInvariants() {
        now.checkInvariants();
        plans.checkInvariants();
        promises.checkInvariants();
        if (future != null) {
            future.checkInvariants();
            releasing.checkInvariants();
        } else if (!promises.isEmpty()) {
            throw new AssertionError("promises outstanding but no future view kept: promised=" + promises.size());
        }
        long liveBytes = 0;
        long releasingBytes = 0;
        List<Allocation<O>> holders = new ArrayList<>();
        for (Allocation<O> a : live) {
            if (a.phase != Phase.LIVE) {
                throw new AssertionError("live set holds " + a);
            }
            liveBytes += a.bytes();
            if (a.release != null) {
                releasingBytes += a.bytes();
            }
            if (a.bytes() > 0) {
                holders.add(a);
            }
        }
        if (liveBytes != used || used != now.usedBytes()) {
            throw new AssertionError("used bytes disagree: sumOfLive=" + liveBytes + " used=" + used
                    + " allocatorUsed=" + now.usedBytes());
        }
        if (used > capacity || peakUsed < used) {
            throw new AssertionError("used out of bounds: used=" + used + " peak=" + peakUsed + " capacity=" + capacity);
        }
        if (releasingBytes != pendingReleaseBytes) {
            throw new AssertionError("pending release bytes disagree: sum=" + releasingBytes
                    + " pendingReleaseBytes=" + pendingReleaseBytes);
        }
        if (waiting < 0) {
            throw new AssertionError("negative waiting count: waiting=" + waiting);
        }
        List<Allocation<O>> promised = new ArrayList<>();
        promises.forEach(e -> promised.add(e.allocation));
        long sumPromised = 0;
        for (Allocation<O> p : promised) {
            if (!p.phase.promised() || p.bytes() == 0 || !p.planned) {
                throw new AssertionError("promise index holds " + p);
            }
            if (p.offset < 0 || p.offset > capacity - p.bytes() || p.offset % p.alignment() != 0) {
                throw new AssertionError("promise outside capacity or misaligned: " + p + " capacity=" + capacity);
            }
            sumPromised += p.bytes();
            holders.add(p);
        }
        if (sumPromised != promisedBytes) {
            throw new AssertionError("promised bytes disagree: sum=" + sumPromised + " promisedBytes=" + promisedBytes);
        }
        checkIndexes(holders, promised);
        checkLiveTileUsedSpace();
        checkOverlapsAreCounted(holders);
        if (!passRequested) {
            for (Allocation<O> p : promised) {
                if (!p.unsettled && nowFit(p, p.id()) != NONE) {
                    throw new AssertionError("promise could complete at once but is not unsettled: " + p
                            + " place=" + nowFit(p, p.id()));
                }
            }
        }
        for (Allocation<O> u : unsettled.values()) {
            if (!u.unsettled || !u.phase.promised()) {
                throw new AssertionError("unsettled set holds " + u);
            }
        }
    }

    /** The indexes and the future allocator hold exactly what the holders say. */
    private void checkIndexes(List<Allocation<O>> holders, List<Allocation<O>> promised) {
        if (plans.size() != promised.size()) {
            throw new AssertionError("plan index holds " + plans.size() + " entries for " + promised.size() + " promises");
        }
        plans.forEach(e -> {
            if (!e.allocation.phase.promised() || e.start != e.allocation.offset || e.end != e.start + e.allocation.bytes()) {
                throw new AssertionError("plan index entry does not match its promise: " + e);
            }
        });
        if (future == null) {
            return;
        }
        long[] releasingCount = new long[1];
        RangeAllocator expectedFuture = new RangeAllocator(capacity);
        for (Allocation<O> h : holders) {
            if (h.release == null) {
                expectedFuture.allocateAt(h.offset, h.bytes());
            } else {
                releasingCount[0]++;
            }
        }
        releasing.forEach(e -> {
            Allocation<O> h = e.allocation;
            if (h.release == null || e.start != h.offset || e.key != h.release.sequence()) {
                throw new AssertionError("release index entry does not match its holder: " + e);
            }
        });
        if (releasing.size() != releasingCount[0]) {
            throw new AssertionError("release index holds " + releasing.size() + " entries for " + releasingCount[0]
                    + " holders with a release");
        }
        List<Piece> expected = new ArrayList<>();
        expectedFuture.forEachFreeRange((s, n) -> expected.add(new Piece(s, s + n)));
        List<Piece> actual = new ArrayList<>();
        future.forEachFreeRange((s, n) -> actual.add(new Piece(s, s + n)));
        if (!expected.equals(actual)) {
            throw new AssertionError("future view disagrees with the holders without a release: expected=" + expected
                    + " actual=" + actual);
        }
    }

    /** Live instances and free ranges must not overlap; with used + free == capacity they then tile it. */
    private void checkLiveTileUsedSpace() {
        List<long[]> pieces = new ArrayList<>();
        for (Allocation<O> a : live) {
            if (a.bytes() > 0) {
                pieces.add(new long[] {a.offset, a.offset + a.bytes(), a.id()});
            }
        }
        now.forEachFreeRange((offset, size) -> pieces.add(new long[] {offset, offset + size, -1}));
        pieces.sort(Comparator.comparingLong(p -> p[0]));
        for (int i = 1; i < pieces.size(); i++) {
            if (pieces.get(i)[0] < pieces.get(i - 1)[1]) {
                throw new AssertionError("live instance overlaps another or free space at offset=" + pieces.get(i)[0]
                        + " (id " + pieces.get(i)[2] + " after id " + pieces.get(i - 1)[2] + ", -1 = free)");
            }
        }
    }

    /** Whether holder has an outstanding release that was registered before request's create. */
    private static boolean countable(Allocation<?> holder, Allocation<?> request) {
        return holder.release != null && holder.release.sequence() < request.countableReleases();
    }

    /**
     * Every overlap involving a promise must be one it counted on: a promise over a live instance
     * needs that instance's release, registered before the promise's create; two overlapping
     * promises need the older one's release, registered before the younger one's create.
     */
    private static <O> void checkOverlapsAreCounted(List<Allocation<O>> holders) {
        holders.sort(Comparator.comparingLong((Allocation<O> a) -> a.offset));
        for (int i = 0; i < holders.size(); i++) {
            Allocation<O> a = holders.get(i);
            for (int j = i + 1; j < holders.size() && holders.get(j).offset < a.offset + a.bytes(); j++) {
                Allocation<O> b = holders.get(j);
                if (a.phase == Phase.LIVE && b.phase == Phase.LIVE) {
                    continue;
                }
                Allocation<O> first = a.phase == Phase.LIVE || (b.phase != Phase.LIVE && a.id() < b.id()) ? a : b;
                Allocation<O> second = first == a ? b : a;
                if (!countable(first, second)) {
                    throw new AssertionError("promise overlaps bytes it may not count on: promise=" + second
                            + " holder=" + first + " countableReleases=" + second.countableReleases());
                }
            }
        }
    }
}
