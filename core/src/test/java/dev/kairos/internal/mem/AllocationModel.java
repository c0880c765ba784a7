package dev.kairos.internal.mem;

import dev.kairos.internal.mem.AllocationPlanner.Release;
import dev.kairos.internal.mem.AllocationPlanner.Request;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A reference model of the deferred-allocation rules, written to be obviously right rather than
 * fast: it keeps every request and every release ever made, and derives everything else from
 * scratch when asked, one boolean per byte of a small memory. Which releases a request may count
 * on is read from the full release history; free bytes are recomputed from the live requests;
 * first fit tries every aligned offset in turn.
 */
final class AllocationModel {

    /** One create call, as the model sees it. */
    static final class Req {
        final int id;
        final int bytes;
        final int alignment;
        final int countable;  // releases registered before the create
        Request.State state = Request.State.WAITING;
        int offset = -1;      // planned while PROMISED, held once LIVE
        AllocOutcome outcome;
        AllocFailure.Reason failure;
        Object cancelledReleaseOwner;

        Req(int id, int bytes, int alignment, int countable) {
            this.id = id;
            this.bytes = bytes;
            this.alignment = alignment;
            this.countable = countable;
        }

        boolean overlaps(int start, int length) {
            return offset < start + length && start < offset + bytes;
        }

        @Override
        public String toString() {
            return "r" + id + "(bytes=" + bytes + " align=" + alignment + " countable=" + countable + " " + state
                    + (offset >= 0 ? "@" + offset : "") + ")";
        }
    }

    /** One destroy call, as the model sees it. */
    static final class Rel {
        final int sequence;
        final Req request;
        Release.State state = Release.State.PENDING;

        Rel(int sequence, Req request) {
            this.sequence = sequence;
            this.request = request;
        }

        boolean outstanding() {
            return state == Release.State.PENDING || state == Release.State.TRIGGERED;
        }
    }

    final int capacity;
    final boolean deferral;
    final List<Req> requests = new ArrayList<>();
    final List<Rel> releases = new ArrayList<>();
    long peak;

    AllocationModel(int capacity, boolean deferral) {
        this.capacity = capacity;
        this.deferral = deferral;
    }

    Req create(int bytes, int alignment) {
        Req r = new Req(requests.size(), bytes, alignment, releases.size());
        requests.add(r);
        return r;
    }

    Rel destroy(Req r) {
        Rel rel = new Rel(releases.size(), r);
        releases.add(rel);
        return rel;
    }

    /** The release of r that has not been cancelled, if any: the history says which. */
    Rel activeRelease(Req r) {
        Rel active = null;
        for (Rel rel : releases) {
            if (rel.request == r && rel.state != Release.State.CANCELLED) {
                active = rel;
            }
        }
        return active;
    }

    /** Whether holder has a release that will still free its bytes, registered before r's create. */
    boolean countable(Req holder, Req r) {
        for (Rel rel : releases) {
            if (rel.request == holder && rel.outstanding() && rel.sequence < r.countable) {
                return true;
            }
        }
        return false;
    }

    List<Req> inState(Request.State state) {
        List<Req> found = new ArrayList<>();
        for (Req r : requests) {
            if (r.state == state) {
                found.add(r);
            }
        }
        return found;
    }

    /** Bytes held now: the live requests, each byte at most once (a second holder is a bug). */
    boolean[] liveBytes() {
        boolean[] held = new boolean[capacity];
        for (Req r : inState(Request.State.LIVE)) {
            for (int i = r.offset; i < r.offset + r.bytes; i++) {
                if (held[i]) {
                    throw new AssertionError("two live requests hold byte " + i + ": " + requests);
                }
                held[i] = true;
            }
        }
        return held;
    }

    /** Where a request may go now: bytes neither held nor promised. */
    boolean[] blockedNow() {
        boolean[] blocked = liveBytes();
        for (Req p : inState(Request.State.PROMISED)) {
            mark(blocked, p);
        }
        return blocked;
    }

    /**
     * Where r may be planned: everything but the live requests and the promises (other than r
     * and those in {@code ignored}) that have no release r may count on.
     */
    boolean[] blockedInFuture(Req r, Collection<Req> ignored) {
        boolean[] blocked = new boolean[capacity];
        for (Req q : requests) {
            boolean holds = q.state == Request.State.LIVE
                    || (q.state == Request.State.PROMISED && q != r && !ignored.contains(q));
            if (holds && !countable(q, r)) {
                mark(blocked, q);
            }
        }
        return blocked;
    }

    /** Lowest aligned offset where bytes fit outside blocked, or -1. */
    static int firstFit(boolean[] blocked, int bytes, int alignment) {
        for (int offset = 0; offset + bytes <= blocked.length; offset += alignment) {
            if (allClear(blocked, offset, bytes)) {
                return offset;
            }
        }
        return -1;
    }

    static boolean allClear(boolean[] blocked, int offset, int bytes) {
        for (int i = offset; i < offset + bytes; i++) {
            if (blocked[i]) {
                return false;
            }
        }
        return true;
    }

    /** Promises other than p, older than p only if olderOnly, that overlap {@code [offset, offset + bytes)}. */
    boolean promiseOverlaps(Req p, int offset, int bytes, boolean olderOnly) {
        for (Req q : inState(Request.State.PROMISED)) {
            if (q != p && (!olderOnly || q.id < p.id) && q.overlaps(offset, bytes)) {
                return true;
            }
        }
        return false;
    }

    long used() {
        long used = 0;
        for (Req r : inState(Request.State.LIVE)) {
            used += r.bytes;
        }
        return used;
    }

    /** Live bytes whose destroy is pending; with r, only those r may count on. */
    long pendingReleaseBytes(Req r) {
        long bytes = 0;
        for (Rel rel : releases) {
            if (rel.state == Release.State.PENDING && rel.request.state == Request.State.LIVE
                    && (r == null || rel.sequence < r.countable)) {
                bytes += rel.request.bytes;
            }
        }
        return bytes;
    }

    long promisedBytes() {
        long bytes = 0;
        for (Req p : inState(Request.State.PROMISED)) {
            bytes += p.bytes;
        }
        return bytes;
    }

    private static void mark(boolean[] blocked, Req r) {
        for (int i = r.offset; i < r.offset + r.bytes; i++) {
            blocked[i] = true;
        }
    }
}
