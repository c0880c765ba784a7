package dev.kairos.internal.mem;

import dev.kairos.internal.mem.Allocation.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A reference model of the deferred-allocation rules (docs/DEFERRED_ALLOCATION.md), written to be
 * obviously right rather than fast: one boolean per byte of a small memory, every view recomputed
 * from scratch when asked, first fit by trying every aligned offset in turn, and rule 5 taken
 * literally: whenever bytes are freed, every promise is looked at oldest first, and one that has a
 * place free now and planned for no older promise tries to complete there while every younger
 * promise is replayed (completes at once if it can, keeps its plan if nothing broke it, plans again
 * in its own future view if something did). It shares no code with the planner but the names of
 * the phases, and reports the effects it expects in the planner's order.
 */
final class AllocationModel {

    /** One create call. */
    static final class Req {
        final int id;
        final int bytes;
        final int alignment;
        final int countable;  // releases registered before the create
        Phase phase = Phase.WAITING;
        int offset = -1;      // planned while promised, held while live
        Rel release;          // the outstanding destroy
        boolean accepted;
        AllocFailure failure;

        Req(int id, int bytes, int alignment, int countable) {
            this.id = id;
            this.bytes = bytes;
            this.alignment = alignment;
            this.countable = countable;
        }

        boolean covers(int b, int at) {
            return bytes > 0 && at <= b && b < at + bytes;
        }

        @Override
        public String toString() {
            return "r" + id + "(bytes=" + bytes + " align=" + alignment + " countable=" + countable + " " + phase
                    + (offset >= 0 ? "@" + offset : "") + (release != null ? " release=" + release.sequence : "") + ")";
        }
    }

    /** One destroy call. */
    record Rel(int sequence, Req holder) {}

    /** A replay in progress: completions and new plans not adopted yet. */
    private static final class Tentative {
        final Map<Req, Integer> placed = new HashMap<>();
        final List<Req> placedInOrder = new ArrayList<>();
        final Map<Req, Integer> planned = new HashMap<>();
        final Set<Req> broken = new HashSet<>();
    }

    final int capacity;
    final boolean deferral;
    final List<Req> requests = new ArrayList<>();
    final List<Rel> releases = new ArrayList<>();
    final List<String> effects = new ArrayList<>();
    private final List<Req> toFree = new ArrayList<>();
    long peak;
    /** How often the interesting paths were taken, for the test's coverage check. */
    int completedAtPlan;
    int completedElsewhere;
    int moved;
    int refusedEarly;

    AllocationModel(int capacity, boolean deferral) {
        this.capacity = capacity;
        this.deferral = deferral;
    }

    // ---- operations -----------------------------------------------------------------------

    Req create(int bytes, int alignment) {
        Req r = new Req(requests.size(), bytes, alignment, releases.size());
        requests.add(r);
        return r;
    }

    /** Returns the decision: LIVE, PROMISED or a failed phase. */
    Phase decide(Req r) {
        boolean destroyedFirst = r.phase == Phase.WAITING_DESTROYED;
        int at = r.bytes == 0 ? 0 : firstFit(openNow(r, false, null), r);
        if (at >= 0) {
            r.phase = Phase.LIVE;
            r.offset = at;
            allocated(r);
            if (destroyedFirst) {
                free(r);
                if (r.bytes > 0) {
                    passes();
                }
            }
            return Phase.LIVE;
        }
        if (!deferral) {
            fail(r, Phase.FAILED_DOES_NOT_FIT_NOW, null);
            return r.phase;
        }
        int planned = firstFit(openInFuture(r, null), r);
        if (planned < 0) {
            fail(r, Phase.FAILED_NEVER_FITS, null);
            return r.phase;
        }
        r.phase = destroyedFirst ? Phase.PROMISED_DESTROYED : Phase.PROMISED;
        r.offset = planned;
        r.accepted = true;
        if (firstFit(openNow(r, true, null), r) >= 0) {
            passes();
        }
        return Phase.PROMISED;
    }

    void cancel(Req r) {
        boolean destroyedFirst = r.phase == Phase.WAITING_DESTROYED;
        r.phase = Phase.CANCELLED;
        if (destroyedFirst) {
            r.release = null;
            effects.add("released r" + r.id + " false");
        }
    }

    /** The destroy call; null when the planner must refuse it (already destroyed). */
    Rel destroy(Req r) {
        if (r.release != null || r.phase == Phase.FREED) {
            return null;
        }
        Rel rel = new Rel(releases.size(), r);
        releases.add(rel);
        r.release = rel;
        return rel;
    }

    void trigger(Req r) {
        switch (r.phase) {
            case WAITING -> r.phase = Phase.WAITING_DESTROYED;
            case PROMISED -> r.phase = Phase.PROMISED_DESTROYED;
            case LIVE -> {
                free(r);
                if (r.bytes > 0) {
                    passes();
                }
            }
            default -> {
                r.release = null;
                effects.add("released r" + r.id + " false");
            }
        }
    }

    void cancelRelease(Req holder) {
        Rel rel = holder.release;
        List<Req> countedOn = new ArrayList<>();
        if (holdsPlace(holder)) {
            for (Req p : promised()) {
                if (p.countable > rel.sequence() && overlaps(p, p.offset, holder, holder.offset)) {
                    countedOn.add(p);
                }
            }
        }
        holder.release = null;
        Tentative unplaced = new Tentative();
        unplaced.broken.addAll(countedOn);
        for (Req p : countedOn) {
            unplaced.broken.remove(p);
            int planned = firstFit(openInFuture(p, unplaced), p);
            if (planned < 0) {
                fail(p, Phase.FAILED_RELEASE_CANCELLED, "r" + holder.id);
            } else {
                if (planned != p.offset) {
                    moved++;
                }
                p.offset = planned;
            }
        }
        if (!countedOn.isEmpty()) {
            passes();
        }
    }

    // ---- rule 5 ---------------------------------------------------------------------------

    /** One pass, and another after every pass whose completions freed bytes at once. */
    private void passes() {
        boolean again = true;
        while (again) {
            pass();
            again = false;
            List<Req> freeing = new ArrayList<>(toFree);
            toFree.clear();
            for (Req r : freeing) {
                free(r);
                again |= r.bytes > 0;
            }
        }
    }

    private void pass() {
        for (Req p = nextPromise(-1); p != null; p = nextPromise(p.id)) {
            int place = firstFit(openNow(p, true, null), p);
            if (place < 0) {
                continue;
            }
            Tentative t = new Tentative();
            if (replay(p, place, t)) {
                adopt(t);
                return;
            }
            refusedEarly++;
            if (planFreeNow(p)) {
                completedAtPlan++;
                complete(p);
            }
        }
    }

    /** p completes at place; every younger promise is replayed. False when a broken one finds no plan. */
    private boolean replay(Req p, int place, Tentative t) {
        placeNow(p, place, t);
        for (Req q : promised()) {
            if (q.id <= p.id) {
                continue;
            }
            int at = firstFit(openNow(q, true, t), q);
            if (at >= 0) {
                placeNow(q, at, t);
            } else if (t.broken.contains(q)) {
                t.broken.remove(q);
                int planned = firstFit(openInFuture(q, t), q);
                if (planned < 0) {
                    return false;
                }
                t.planned.put(q, planned);
            }
        }
        return true;
    }

    /** q holds place in t; younger promises over it that may not count on its release lose their plans. */
    private void placeNow(Req q, int place, Tentative t) {
        t.placed.put(q, place);
        t.placedInOrder.add(q);
        for (Req d : promised()) {
            if (d.id > q.id && !t.placed.containsKey(d) && !t.broken.contains(d)
                    && overlaps(d, planOf(d, t), q, place) && !countable(q, d)) {
                t.broken.add(d);
            }
        }
    }

    private void adopt(Tentative t) {
        t.planned.forEach((q, planned) -> {
            if (q.offset != planned) {
                moved++;
            }
            q.offset = planned;
        });
        for (Req q : t.placedInOrder) {
            int place = t.placed.get(q);
            if (place == q.offset) {
                completedAtPlan++;
            } else {
                completedElsewhere++;
            }
            q.offset = place;
            complete(q);
        }
    }

    private boolean planFreeNow(Req p) {
        for (int b = p.offset; b < p.offset + p.bytes; b++) {
            for (Req h : requests) {
                boolean blocks = h.phase == Phase.LIVE || (h.phase.promised() && h.id < p.id);
                if (blocks && h.covers(b, h.offset)) {
                    return false;
                }
            }
        }
        return true;
    }

    private Req nextPromise(int after) {
        for (Req r : requests) {
            if (r.id > after && r.phase.promised()) {
                return r;
            }
        }
        return null;
    }

    // ---- views ----------------------------------------------------------------------------

    /**
     * Bytes free now (no live instance, counting t's completions) and promised to no one, or with
     * {@code olderOnly} to no promise older than r; promises that lost their plan in t hold nothing.
     */
    boolean[] openNow(Req r, boolean olderOnly, Tentative t) {
        boolean[] open = new boolean[capacity];
        for (int b = 0; b < capacity; b++) {
            boolean free = true;
            for (Req h : requests) {
                Integer at = at(h, t);
                if (at == null || !h.covers(b, at)) {
                    continue;
                }
                boolean isLive = h.phase == Phase.LIVE || (t != null && t.placed.containsKey(h));
                if (isLive || !olderOnly || h.id < r.id) {
                    free = false;
                }
            }
            open[b] = free;
        }
        return open;
    }

    /** Bytes where every holder other than r (live, or promised with a plan) has a release r may count on. */
    boolean[] openInFuture(Req r, Tentative t) {
        boolean[] open = new boolean[capacity];
        for (int b = 0; b < capacity; b++) {
            boolean free = true;
            for (Req h : requests) {
                Integer at = at(h, t);
                if (h != r && at != null && h.covers(b, at) && !countable(h, r)) {
                    free = false;
                }
            }
            open[b] = free;
        }
        return open;
    }

    /** Where h holds or plans bytes, as t would have it; null if nowhere. */
    private Integer at(Req h, Tentative t) {
        if (t != null && t.placed.containsKey(h)) {
            return t.placed.get(h);
        }
        if (h.phase == Phase.LIVE) {
            return h.offset;
        }
        if (h.phase.promised() && (t == null || !t.broken.contains(h))) {
            return planOf(h, t);
        }
        return null;
    }

    private static int planOf(Req h, Tentative t) {
        return t != null && t.planned.containsKey(h) ? t.planned.get(h) : h.offset;
    }

    static int firstFit(boolean[] open, Req r) {
        for (int offset = 0; offset + r.bytes <= open.length; offset += r.alignment) {
            boolean clear = true;
            for (int b = offset; b < offset + r.bytes && clear; b++) {
                clear = open[b];
            }
            if (clear) {
                return offset;
            }
        }
        return -1;
    }

    /** Whether holder has an outstanding release registered before r's create. */
    static boolean countable(Req holder, Req r) {
        return holder.release != null && holder.release.sequence() < r.countable;
    }

    private static boolean overlaps(Req a, int aAt, Req b, int bAt) {
        return a.bytes > 0 && b.bytes > 0 && aAt < bAt + b.bytes && bAt < aAt + a.bytes;
    }

    private static boolean holdsPlace(Req r) {
        return r.bytes > 0 && (r.phase == Phase.LIVE || r.phase.promised());
    }

    // ---- changes --------------------------------------------------------------------------

    private void allocated(Req r) {
        peak = Math.max(peak, used());
        effects.add("allocated r" + r.id + "@" + r.offset);
    }

    private void complete(Req q) {
        boolean destroyedFirst = q.phase == Phase.PROMISED_DESTROYED;
        q.phase = Phase.LIVE;
        allocated(q);
        if (destroyedFirst) {
            toFree.add(q);
        }
    }

    private void free(Req r) {
        r.phase = Phase.FREED;
        r.release = null;
        effects.add("released r" + r.id + " true");
    }

    private void fail(Req r, Phase failed, String cancelledReleaseOf) {
        boolean destroyedFirst = r.phase == Phase.WAITING_DESTROYED || r.phase == Phase.PROMISED_DESTROYED;
        long promisedBytes = 0;
        for (Req p : promised()) {
            if (p != r) {
                promisedBytes += p.bytes;
            }
        }
        r.failure = new AllocFailure(failed, r.bytes, r.alignment, capacity, used(), pendingReleaseBytes(null),
                pendingReleaseBytes(r), promisedBytes, cancelledReleaseOf);
        r.phase = failed;
        effects.add("failed r" + r.id + " " + failed.reason());
        if (destroyedFirst) {
            r.release = null;
            effects.add("released r" + r.id + " false");
        }
    }

    // ---- accounting -----------------------------------------------------------------------

    List<Req> promised() {
        List<Req> found = new ArrayList<>();
        for (Req r : requests) {
            if (r.phase.promised()) {
                found.add(r);
            }
        }
        return found;
    }

    List<Req> inPhase(Phase... phases) {
        List<Req> found = new ArrayList<>();
        for (Req r : requests) {
            if (List.of(phases).contains(r.phase)) {
                found.add(r);
            }
        }
        return found;
    }

    long used() {
        long used = 0;
        for (Req r : inPhase(Phase.LIVE)) {
            used += r.bytes;
        }
        return used;
    }

    /** Live bytes whose destroy is pending; with r, only those r may count on. */
    long pendingReleaseBytes(Req r) {
        long bytes = 0;
        for (Req h : inPhase(Phase.LIVE)) {
            if (h.release != null && (r == null || h.release.sequence() < r.countable)) {
                bytes += h.bytes;
            }
        }
        return bytes;
    }

    /** Whether some release registered before r's create has not triggered yet. */
    boolean waitsForARelease(Req r) {
        for (Req h : requests) {
            boolean pending = h.release != null && h.phase != Phase.WAITING_DESTROYED && h.phase != Phase.PROMISED_DESTROYED;
            if (pending && h.release.sequence() < r.countable) {
                return true;
            }
        }
        return false;
    }

    /**
     * The model's own check of the plans: live instances never share a byte, every promise lies
     * inside the memory on its alignment, and overlaps only what it may count on.
     *
     * @throws AssertionError naming what is wrong
     */
    void checkPlans() {
        List<Req> live = inPhase(Phase.LIVE);
        for (Req a : live) {
            for (Req b : live) {
                if (a != b && overlaps(a, a.offset, b, b.offset)) {
                    throw new AssertionError("live instances overlap: " + a + " " + b);
                }
            }
        }
        for (Req p : promised()) {
            if (p.offset < 0 || p.offset + p.bytes > capacity || p.offset % p.alignment != 0) {
                throw new AssertionError("promise has no plan inside the memory: " + p);
            }
            for (Req h : requests) {
                boolean older = h.phase == Phase.LIVE || (h.phase.promised() && h.id < p.id);
                if (h != p && older && overlaps(h, h.offset, p, p.offset) && !countable(h, p)) {
                    throw new AssertionError("promise overlaps bytes it may not count on: " + p + " over " + h);
                }
            }
        }
    }
}
