package dev.kairos.internal.mem;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Allocations indexed by the byte range they cover, for the planner's questions "who covers these
 * bytes", narrowed by age (request id) or by release sequence. With every entry at start 0 the same
 * structure is an index by id alone (the planner's promises in request order, by size).
 *
 * <p><b>How it works.</b> A treap ordered by (start, id), so entries at the same start lie in
 * request order. Every node carries, for its subtree, the greatest end, the least and greatest id,
 * the greatest auxiliary key (the planner stores release sequences there) and the least size. A
 * query descends only into subtrees that can hold an answer: one that ends at or before the range,
 * starts at or after it, or whose ids, keys or sizes are all out of bounds is skipped whole. Entries
 * that match are visited in (start, id) order.
 *
 * <p><b>Cost.</b> Priorities are pseudo-random (a fixed-seed mixer, so runs repeat), which keeps
 * the expected depth logarithmic in the number n of entries: insert and remove cost O(log n).
 * Queries cost O(log n) per subtree they must open; an entry that matches is always reached in
 * O(log n), entries that overlap the range but fail the id or key bound may also be opened when
 * they sit among matching ones. For the shapes the planner meets (promises over one instance's
 * bytes form chains in request order, which this order keeps together) that is O((k + 1) log n)
 * for k answers.
 *
 * <p><b>Not thread-safe.</b> The planner calls it under its memory's lock.
 */
final class PlaceIndex<O> {

    /** One entry: an allocation over {@code [start, end)}. */
    static final class Entry<O> {
        final Allocation<O> allocation;
        final long start;
        final long end;
        final long id;
        final long key;
        final long size;
        final long priority;
        Entry<O> left;
        Entry<O> right;
        long maxEnd;
        long minId;
        long maxId;
        long maxKey;
        long minSize;

        Entry(Allocation<O> allocation, long start, long end, long key, long priority) {
            this.allocation = allocation;
            this.start = start;
            this.end = end;
            this.id = allocation.id();
            this.key = key;
            this.size = allocation.bytes();
            this.priority = priority;
            update();
        }

        void update() {
            long me = end;
            long mn = id;
            long mx = id;
            long mk = key;
            long ms = size;
            if (left != null) {
                me = Math.max(me, left.maxEnd);
                mn = Math.min(mn, left.minId);
                mx = Math.max(mx, left.maxId);
                mk = Math.max(mk, left.maxKey);
                ms = Math.min(ms, left.minSize);
            }
            if (right != null) {
                me = Math.max(me, right.maxEnd);
                mn = Math.min(mn, right.minId);
                mx = Math.max(mx, right.maxId);
                mk = Math.max(mk, right.maxKey);
                ms = Math.min(ms, right.minSize);
            }
            maxEnd = me;
            minId = mn;
            maxId = mx;
            maxKey = mk;
            minSize = ms;
        }

        /** Orders by start, then id. */
        int compareTo(long otherStart, long otherId) {
            int c = Long.compare(start, otherStart);
            return c != 0 ? c : Long.compare(id, otherId);
        }

        @Override
        public String toString() {
            return allocation + " [" + start + ", " + end + ") key=" + key;
        }
    }

    private Entry<O> root;
    private int size;
    private long prioritySeed;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return root == null;
    }

    /**
     * Adds {@code allocation} over {@code [start, end)} with auxiliary {@code key}.
     *
     * @throws IllegalStateException if it is already indexed at that start
     */
    void insert(Allocation<O> allocation, long start, long end, long key) {
        Entry<O> e = new Entry<>(allocation, start, end, key, RangeAllocator.mix(prioritySeed++));
        root = insert(root, e);
        size++;
    }

    private Entry<O> insert(Entry<O> t, Entry<O> e) {
        if (t == null) {
            return e;
        }
        int c = t.compareTo(e.start, e.id);
        if (c == 0) {
            throw new IllegalStateException("already indexed: " + e.allocation + " at start=" + e.start);
        }
        if (e.priority > t.priority) {
            split(t, e.start, e.id, e);
            e.update();
            return e;
        }
        if (c > 0) {
            t.left = insert(t.left, e);
        } else {
            t.right = insert(t.right, e);
        }
        t.update();
        return t;
    }

    /** Splits t into e.left (keys below (start, id)) and e.right (keys above). */
    private void split(Entry<O> t, long start, long id, Entry<O> e) {
        Entry<O>[] halves = splitAround(t, start, id);
        e.left = halves[0];
        e.right = halves[1];
    }

    @SuppressWarnings("unchecked")
    private Entry<O>[] splitAround(Entry<O> t, long start, long id) {
        if (t == null) {
            return (Entry<O>[]) new Entry<?>[2];
        }
        if (t.compareTo(start, id) < 0) {
            Entry<O>[] halves = splitAround(t.right, start, id);
            t.right = halves[0];
            t.update();
            halves[0] = t;
            return halves;
        }
        Entry<O>[] halves = splitAround(t.left, start, id);
        t.left = halves[1];
        t.update();
        halves[1] = t;
        return halves;
    }

    /**
     * Removes the entry of {@code allocation} at {@code start}.
     *
     * @throws IllegalStateException if there is none
     */
    void remove(Allocation<O> allocation, long start) {
        root = remove(root, start, allocation.id());
        size--;
    }

    private Entry<O> remove(Entry<O> t, long start, long id) {
        if (t == null) {
            throw new IllegalStateException("not indexed: id=" + id + " start=" + start);
        }
        int c = t.compareTo(start, id);
        if (c == 0) {
            return merge(t.left, t.right);
        }
        if (c > 0) {
            t.left = remove(t.left, start, id);
        } else {
            t.right = remove(t.right, start, id);
        }
        t.update();
        return t;
    }

    private Entry<O> merge(Entry<O> a, Entry<O> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            a.update();
            return a;
        }
        b.left = merge(a, b.left);
        b.update();
        return b;
    }

    // ---- queries ----------------------------------------------------------------------------

    /** The first entry (by start) over a byte of {@code [start, end)} whose id is below {@code idBelow}, or null. */
    Entry<O> anyOverlap(long start, long end, long idBelow) {
        return anyOverlap(root, start, end, idBelow);
    }

    private Entry<O> anyOverlap(Entry<O> t, long start, long end, long idBelow) {
        if (t == null || t.maxEnd <= start || t.minId >= idBelow) {
            return null;
        }
        Entry<O> found = anyOverlap(t.left, start, end, idBelow);
        if (found != null) {
            return found;
        }
        if (t.start >= end) {
            return null;  // t and everything to its right start at or after the range
        }
        if (t.end > start && t.id < idBelow) {
            return t;
        }
        return anyOverlap(t.right, start, end, idBelow);
    }

    /** The first entry (by start) over a byte of {@code [start, end)} whose key is at least {@code minKey}, or null. */
    Entry<O> anyOverlapWithKeyAtLeast(long start, long end, long minKey) {
        return anyOverlapWithKeyAtLeast(root, start, end, minKey);
    }

    private Entry<O> anyOverlapWithKeyAtLeast(Entry<O> t, long start, long end, long minKey) {
        if (t == null || t.maxEnd <= start || t.maxKey < minKey) {
            return null;
        }
        Entry<O> found = anyOverlapWithKeyAtLeast(t.left, start, end, minKey);
        if (found != null) {
            return found;
        }
        if (t.start >= end) {
            return null;
        }
        if (t.end > start && t.key >= minKey) {
            return t;
        }
        return anyOverlapWithKeyAtLeast(t.right, start, end, minKey);
    }

    /** The entry over a byte of {@code [start, end)} with the least id above {@code idAbove}, or null. */
    Entry<O> leastIdAbove(long start, long end, long idAbove) {
        return leastIdAbove(root, start, end, idAbove, null);
    }

    private Entry<O> leastIdAbove(Entry<O> t, long start, long end, long idAbove, Entry<O> best) {
        if (t == null || t.maxEnd <= start || t.maxId <= idAbove || (best != null && t.minId >= best.id)) {
            return best;
        }
        best = leastIdAbove(t.left, start, end, idAbove, best);
        if (t.start >= end) {
            return best;
        }
        if (t.end > start && t.id > idAbove && (best == null || t.id < best.id)) {
            best = t;
        }
        return leastIdAbove(t.right, start, end, idAbove, best);
    }

    /** Every entry over a byte of {@code [start, end)} whose id lies strictly between the bounds, by start. */
    List<Entry<O>> overlapping(long start, long end, long idAbove, long idBelow) {
        List<Entry<O>> found = new ArrayList<>();
        overlapping(root, start, end, idAbove, idBelow, found);
        return found;
    }

    private void overlapping(Entry<O> t, long start, long end, long idAbove, long idBelow, List<Entry<O>> found) {
        if (t == null || t.maxEnd <= start || t.maxId <= idAbove || t.minId >= idBelow) {
            return;
        }
        overlapping(t.left, start, end, idAbove, idBelow, found);
        if (t.start >= end) {
            return;
        }
        if (t.end > start && t.id > idAbove && t.id < idBelow) {
            found.add(t);
        }
        overlapping(t.right, start, end, idAbove, idBelow, found);
    }

    /**
     * The entry of least id strictly between the bounds whose size is at most {@code maxSize}, or
     * null; meaningful when every entry has the same start (an index by id).
     */
    Entry<O> firstWithSizeAtMost(long idAbove, long idBelow, long maxSize) {
        return firstWithSizeAtMost(root, idAbove, idBelow, maxSize);
    }

    private Entry<O> firstWithSizeAtMost(Entry<O> t, long idAbove, long idBelow, long maxSize) {
        if (t == null || t.minSize > maxSize || t.maxId <= idAbove || t.minId >= idBelow) {
            return null;
        }
        Entry<O> found = firstWithSizeAtMost(t.left, idAbove, idBelow, maxSize);
        if (found != null) {
            return found;
        }
        if (t.id > idAbove && t.id < idBelow && t.size <= maxSize) {
            return t;
        }
        return firstWithSizeAtMost(t.right, idAbove, idBelow, maxSize);
    }

    /** Visits every entry in (start, id) order. */
    void forEach(Consumer<Entry<O>> visitor) {
        forEach(root, visitor);
    }

    private void forEach(Entry<O> t, Consumer<Entry<O>> visitor) {
        if (t != null) {
            forEach(t.left, visitor);
            visitor.accept(t);
            forEach(t.right, visitor);
        }
    }

    /**
     * Verifies order, heap order and every subtree summary.
     *
     * @throws AssertionError naming the first broken invariant
     */
    void checkInvariants() {
        int[] count = new int[1];
        check(root, null, null, count);
        if (count[0] != size) {
            throw new AssertionError("index holds " + count[0] + " entries but size=" + size);
        }
    }

    private void check(Entry<O> t, Entry<O> low, Entry<O> high, int[] count) {
        if (t == null) {
            return;
        }
        count[0]++;
        if ((low != null && t.compareTo(low.start, low.id) <= 0) || (high != null && t.compareTo(high.start, high.id) >= 0)) {
            throw new AssertionError("index order broken at " + t);
        }
        if ((t.left != null && t.left.priority > t.priority) || (t.right != null && t.right.priority > t.priority)) {
            throw new AssertionError("index heap order broken below " + t);
        }
        long[] summary = {t.maxEnd, t.minId, t.maxId, t.maxKey, t.minSize};
        t.update();
        if (summary[0] != t.maxEnd || summary[1] != t.minId || summary[2] != t.maxId || summary[3] != t.maxKey
                || summary[4] != t.minSize) {
            throw new AssertionError("stale subtree summary at " + t);
        }
        check(t.left, low, t, count);
        check(t.right, t, high, count);
    }
}
