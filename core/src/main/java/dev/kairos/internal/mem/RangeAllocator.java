package dev.kairos.internal.mem;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Carves aligned sub-ranges out of one contiguous address range {@code [0, capacity)}.
 *
 * <p><b>How it works.</b> The allocator remembers only the free space: a set of disjoint,
 * coalesced free ranges, kept in a treap ordered by start address. Every node also carries the
 * longest free range in its subtree, so a search can skip any subtree that cannot hold the
 * request. Allocation is first-fit by address: the block goes to the lowest aligned offset where
 * it fits, so the same sequence of calls always gives the same offsets. Sizes are exact (a
 * memory of exactly N bytes holds one block of N bytes); only the start is aligned.
 *
 * <p><b>Cost.</b> The treap's priorities are pseudo-random and independent of addresses (a
 * fixed-seed mixer, so every run builds the same tree), which keeps its expected height
 * logarithmic in the number n of free ranges whatever order they appear in. Freeing and
 * allocating at a given offset descend one path and fix the subtree maxima on the way back:
 * O(log n). Within one call, the search remembers its path from the root, so the update that
 * follows it (taking the block it found, or freeing next to the neighbours it found) climbs back
 * along that path instead of descending again, and stops where a subtree maximum stays as it was.
 * No call depends on an earlier one: every public method starts from the root. A search for an aligned
 * block follows the subtree maxima to the leftmost free range that is long enough; when alignment
 * padding makes that range too short after all, the search moves on to the next long-enough range.
 * The worst case is therefore O((k + 1) log n), where k is the number of free ranges at least
 * {@code size} long that lie below the answer and are rejected for alignment. A range of at least
 * {@code size + alignment - 1} bytes is never rejected, and with alignment 1 nothing is.
 *
 * <p><b>Zero bytes.</b> A block has at least one byte: a zero-byte block has no address range to
 * give back, so a double free of it could not be detected. Callers with empty instances place
 * them without asking (see {@link AllocationPlanner}).
 *
 * <p><b>Errors.</b> The allocator does not remember blocks, only free space. {@link #free} detects
 * a range that touches free space (a double free, or a range that was never allocated) but cannot
 * tell a whole block from a piece of one; the caller, which knows its blocks, must pass them
 * whole.
 *
 * <p><b>Not thread-safe.</b> Every method must be called with the owning memory's lock held;
 * the allocator takes no lock of its own. {@link #checkInvariants()} verifies the whole
 * structure and is meant for tests.
 */
public final class RangeAllocator {

    /** Returned by the searches when no block fits. */
    public static final long NO_FIT = -1;

    /** Largest capacity accepted: offsets, sizes and alignment padding then never overflow. */
    public static final long MAX_CAPACITY = 1L << 62;

    /** Receives free ranges in address order. */
    @FunctionalInterface
    public interface FreeRangeVisitor {
        void visit(long offset, long size);
    }

    private static final class Node {
        long start;      // inclusive
        long end;        // exclusive
        long maxLength;  // longest free range in this subtree
        final long priority;
        Node left;
        Node right;

        Node(long start, long end, long priority) {
            this.start = start;
            this.end = end;
            this.maxLength = end - start;
            this.priority = priority;
        }

        long length() {
            return end - start;
        }

        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }
    }

    private final long capacity;
    private Node root;            // guarded by the memory's lock
    private long freeBytes;       // guarded by the memory's lock
    private long usedBytes;       // guarded by the memory's lock
    private int freeRangeCount;   // guarded by the memory's lock
    private long prioritySeed;    // guarded by the memory's lock
    /**
     * Scratch space of one call: the path of its search, root first, {@code path[0, depth)}. Every
     * public method sets it before reading it, so nothing carries over from one call to the next.
     */
    private Node[] path = new Node[64];  // guarded by the memory's lock
    private int depth;                   // guarded by the memory's lock

    /**
     * Creates an allocator whose whole range is free.
     *
     * @throws IllegalArgumentException if capacity is negative or above {@link #MAX_CAPACITY}
     */
    public RangeAllocator(long capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity out of range: capacity=" + capacity + " max=" + MAX_CAPACITY);
        }
        this.capacity = capacity;
        this.freeBytes = capacity;
        if (capacity > 0) {
            root = newNode(0, capacity);
            freeRangeCount = 1;
        }
    }

    /** Total bytes managed. */
    public long capacity() {
        return capacity;
    }

    /** Bytes in free ranges. */
    public long freeBytes() {
        return freeBytes;
    }

    /** Bytes handed out and not yet freed. */
    public long usedBytes() {
        return usedBytes;
    }

    /** Number of disjoint free ranges (a measure of fragmentation). */
    public int freeRangeCount() {
        return freeRangeCount;
    }

    /** Length of the longest free range, 0 when full. */
    public long largestFreeRange() {
        return root == null ? 0 : root.maxLength;
    }

    /**
     * Takes the lowest-addressed aligned block of {@code size} bytes.
     *
     * @return the block's offset, or {@link #NO_FIT}
     * @throws IllegalArgumentException if size is not positive or alignment not a power of two
     */
    public long allocate(long size, long alignment) {
        Node fit = search(size, alignment, 0);
        if (fit == null) {
            return NO_FIT;
        }
        long offset = alignUp(fit.start, alignment);
        take(fit, offset, size);
        return offset;
    }

    /**
     * Whether {@link #allocate} would succeed now.
     *
     * @throws IllegalArgumentException if size is not positive or alignment not a power of two
     */
    public boolean canAllocate(long size, long alignment) {
        return search(size, alignment, 0) != null;
    }

    /**
     * The lowest aligned offset at or above {@code from} where {@code size} free bytes start;
     * changes nothing. Callers that must avoid more than the allocated space (promised ranges)
     * step {@code from} past what they avoid and search again.
     *
     * @return the offset, or {@link #NO_FIT}
     * @throws IllegalArgumentException if size is not positive, alignment not a power of two or
     *     from negative
     */
    public long firstFit(long size, long alignment, long from) {
        if (from < 0) {
            throw new IllegalArgumentException("from must not be negative: from=" + from);
        }
        Node fit = search(size, alignment, from);
        return fit == null ? NO_FIT : alignUp(Math.max(fit.start, from), alignment);
    }

    /**
     * Whether {@code [offset, offset + size)} is entirely free.
     *
     * @throws IllegalArgumentException if size is not positive or the range lies outside the
     *     capacity
     */
    public boolean isFree(long offset, long size) {
        checkRange(offset, size);
        Node f = rangeAt(offset);
        return f != null && f.end - offset >= size;
    }

    /**
     * Takes exactly {@code [offset, offset + size)}, which must be free.
     *
     * @throws IllegalArgumentException if size is not positive or the range lies outside the
     *     capacity
     * @throws IllegalStateException if any byte of the range is not free
     */
    public void allocateAt(long offset, long size) {
        checkRange(offset, size);
        Node f = rangeAt(offset);
        if (f == null || f.end - offset < size) {
            throw new IllegalStateException("range is not free: offset=" + offset + " size=" + size
                    + " freeRangeBelow=" + (f == null ? "none" : f));
        }
        take(f, offset, size);
    }

    /**
     * Gives back {@code [offset, offset + size)}, merging it with free neighbours.
     *
     * @throws IllegalArgumentException if size is not positive or the range lies outside the
     *     capacity
     * @throws IllegalStateException if any byte of the range is already free (a double free)
     */
    public void free(long offset, long size) {
        checkRange(offset, size);
        long end = offset + size;
        descend(offset);
        int belowAt = deepestOnPath(offset, false);
        int aboveAt = deepestOnPath(offset, true);
        Node below = belowAt < 0 ? null : path[belowAt];
        if (below != null && below.end > offset) {
            throw doubleFree(offset, size, below);
        }
        Node above = aboveAt < 0 ? null : path[aboveAt];
        if (above != null && above.start < end) {
            throw doubleFree(offset, size, above);
        }
        boolean joinBelow = below != null && below.end == offset;
        boolean joinAbove = above != null && above.start == end;
        if (joinBelow && joinAbove) {
            joinAcross(belowAt, aboveAt);
        } else if (joinBelow) {
            below.end = end;
            fixMaxima(belowAt, belowAt);
        } else if (joinAbove) {
            above.start = offset;  // still above every lower range: the order is kept in place
            fixMaxima(aboveAt, aboveAt);
        } else {
            int parentAt = insert(newNode(offset, end));
            fixMaxima(parentAt, parentAt);
            freeRangeCount++;
        }
        depth = 0;
        freeBytes += size;
        usedBytes -= size;
    }

    /** Visits every free range in increasing address order. */
    public void forEachFreeRange(FreeRangeVisitor visitor) {
        visitInOrder(root, visitor);
    }

    /**
     * Visits, in increasing address order, every free range that shares a byte with
     * {@code [start, end)}, whole (a range may reach beyond either end). Costs O(log n + k) for k
     * ranges visited: ranges are disjoint and sorted, so a subtree is opened only where it can
     * overlap.
     */
    public void forEachFreeRangeOverlapping(long start, long end, FreeRangeVisitor visitor) {
        visitOverlapping(root, start, end, visitor);
    }

    private static void visitOverlapping(Node t, long start, long end, FreeRangeVisitor visitor) {
        if (t == null) {
            return;
        }
        if (t.start > start) {
            visitOverlapping(t.left, start, end, visitor);  // ranges on the left end at or before t.start
        }
        if (t.start < end && t.end > start) {
            visitor.visit(t.start, t.length());
        }
        if (t.end < end) {
            visitOverlapping(t.right, start, end, visitor);  // ranges on the right start at or after t.end
        }
    }

    /**
     * Verifies the whole structure.
     *
     * @throws AssertionError naming the first broken invariant: free ranges empty, outside the
     *     capacity, overlapping, unsorted or not coalesced; wrong subtree maxima; broken heap
     *     order of priorities; counters that disagree with the ranges; free + used != capacity
     */
    public void checkInvariants() {
        long previousEnd = -1;
        long sum = 0;
        int count = 0;
        ArrayDeque<Node> path = new ArrayDeque<>();
        Node t = root;
        while (t != null || !path.isEmpty()) {
            while (t != null) {
                path.push(t);
                t = t.left;
            }
            t = path.pop();
            checkNode(t);
            if (previousEnd > t.start) {
                throw new AssertionError("free ranges overlap or are unsorted: previousEnd=" + previousEnd
                        + " next=" + t);
            }
            if (previousEnd == t.start) {
                throw new AssertionError("adjacent free ranges not coalesced at offset=" + t.start);
            }
            previousEnd = t.end;
            sum += t.length();
            count++;
            t = t.right;
        }
        if (sum != freeBytes) {
            throw new AssertionError("free ranges sum to " + sum + " bytes but freeBytes=" + freeBytes);
        }
        if (count != freeRangeCount) {
            throw new AssertionError("tree holds " + count + " free ranges but freeRangeCount=" + freeRangeCount);
        }
        if (freeBytes + usedBytes != capacity) {
            throw new AssertionError("free + used != capacity: free=" + freeBytes + " used=" + usedBytes
                    + " capacity=" + capacity);
        }
    }

    @Override
    public String toString() {
        return "RangeAllocator[capacity=" + capacity + " used=" + usedBytes + " free=" + freeBytes
                + " freeRanges=" + freeRangeCount + " largestFree=" + largestFreeRange() + "]";
    }

    // ---- searches -------------------------------------------------------------------------

    /** The lowest free range holding an aligned block of size at or above from, or null; the path leads to it. */
    private Node search(long size, long alignment, long from) {
        checkSize(size);
        checkAlignment(alignment);
        depth = 0;
        if (size > capacity || from > capacity - size) {
            return null;
        }
        return search(root, size, alignment, from);
    }

    /** Leftmost fit in t's subtree; left subtrees lie wholly below t.start and are skipped when that is not above from. */
    private Node search(Node t, long size, long alignment, long from) {
        if (t == null || t.maxLength < size) {
            return null;
        }
        push(t);
        if (t.start > from) {
            Node inLeft = search(t.left, size, alignment, from);
            if (inLeft != null) {
                return inLeft;
            }
        }
        if (alignUp(Math.max(t.start, from), alignment) <= t.end - size) {
            return t;
        }
        Node inRight = search(t.right, size, alignment, from);
        if (inRight == null) {
            depth--;
        }
        return inRight;
    }

    /** The free range with the greatest start not above offset, or null; the path leads to it. */
    private Node rangeAt(long offset) {
        descend(offset);
        depth = deepestOnPath(offset, false) + 1;
        return depth == 0 ? null : path[depth - 1];
    }

    /** Sets the path to the search path of offset, from the root down to a leaf. */
    private void descend(long offset) {
        depth = 0;
        for (Node t = root; t != null; t = t.start <= offset ? t.right : t.left) {
            push(t);
        }
    }

    /**
     * Index of the deepest node on the path whose start is above offset ({@code above}) or not above
     * it, -1 if none. After {@link #descend} these are offset's floor and its successor.
     */
    private int deepestOnPath(long offset, boolean above) {
        int i = depth - 1;
        while (i >= 0 && (path[i].start > offset) != above) {
            i--;
        }
        return i;
    }

    private void push(Node t) {
        if (depth == path.length) {
            path = Arrays.copyOf(path, 2 * depth);
        }
        path[depth++] = t;
    }

    // ---- updates --------------------------------------------------------------------------

    /** Removes {@code [offset, offset + size)} from free range f, which contains it and ends the path. */
    private void take(Node f, long offset, long size) {
        int at = depth - 1;
        long start = f.start;
        long end = f.end;
        long blockEnd = offset + size;
        boolean keepBelow = offset > start;
        boolean keepAbove = blockEnd < end;
        if (keepBelow && keepAbove) {
            f.end = offset;
            int parentAt = insert(newNode(blockEnd, end));
            fixMaxima(parentAt, Math.min(parentAt, at));
            freeRangeCount++;
        } else if (keepBelow) {
            f.end = offset;
            fixMaxima(at, at);
        } else if (keepAbove) {
            f.start = blockEnd;  // still below every higher range: the order is kept in place
            fixMaxima(at, at);
        } else {
            unlink(at);
            fixMaxima(at - 1, at - 1);
            freeRangeCount--;
        }
        depth = 0;
        freeBytes -= size;
        usedBytes += size;
    }

    /** Makes the free range at path[belowAt] reach the end of the one at path[aboveAt], which goes. */
    private void joinAcross(int belowAt, int aboveAt) {
        path[belowAt].end = path[aboveAt].end;
        for (int i = belowAt; i > aboveAt; i--) {
            update(path[i]);  // below lies under above: the merge that removes above reads these maxima
        }
        unlink(aboveAt);
        fixMaxima(aboveAt - 1, Math.min(belowAt, aboveAt - 1));
        freeRangeCount--;
    }

    private Node newNode(long start, long end) {
        return new Node(start, end, mix(prioritySeed++));
    }

    /**
     * Inserts n as a leaf under the end of the path, which must lie on n's search path, then rotates
     * it up to its place in priority order, recomputing the maxima of the nodes it passes.
     *
     * @return the index on the path of n's parent, -1 when n is the root; the maxima from there up
     *     are left to the caller
     */
    private int insert(Node n) {
        if (root == null) {
            root = n;
            return -1;
        }
        Node parent = path[depth - 1];
        for (Node next = childToward(parent, n.start); next != null; next = childToward(parent, n.start)) {
            push(next);
            parent = next;
        }
        if (n.start < parent.start) {
            parent.left = n;
        } else {
            parent.right = n;
        }
        int at = depth - 1;
        while (at >= 0 && n.priority > path[at].priority) {
            Node p = path[at];
            if (p.left == n) {
                p.left = n.right;
                n.right = p;
            } else {
                p.right = n.left;
                n.left = p;
            }
            update(p);
            at--;
            replaceChild(at, p, n);
        }
        update(n);
        return at;
    }

    private static Node childToward(Node t, long start) {
        return start < t.start ? t.left : t.right;
    }

    /** Replaces path[at] by the merge of its children. */
    private void unlink(int at) {
        Node gone = path[at];
        replaceChild(at - 1, gone, merge(gone.left, gone.right));
    }

    /** Puts replacement where child was: under path[parentAt], or at the root when parentAt is -1. */
    private void replaceChild(int parentAt, Node child, Node replacement) {
        if (parentAt < 0) {
            root = replacement;
        } else if (path[parentAt].left == child) {
            path[parentAt].left = replacement;
        } else {
            path[parentAt].right = replacement;
        }
    }

    /** Joins two treaps where every start in a is below every start in b. */
    private static Node merge(Node a, Node b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            update(a);
            return a;
        }
        b.left = merge(a, b.left);
        update(b);
        return b;
    }

    /**
     * Recomputes the subtree maxima from path[from] up to the root, after changes under path[from]
     * or on the path at path[changedAt] and below. Above changedAt the first maximum that stays as
     * it was ends the climb: nothing above it can change.
     */
    private void fixMaxima(int from, int changedAt) {
        for (int i = from; i >= 0; i--) {
            Node t = path[i];
            long before = t.maxLength;
            update(t);
            if (i <= changedAt && t.maxLength == before) {
                return;
            }
        }
    }

    private static void update(Node t) {
        t.maxLength = Math.max(t.length(), Math.max(maxLength(t.left), maxLength(t.right)));
    }

    private static long maxLength(Node t) {
        return t == null ? 0 : t.maxLength;
    }

    // ---- helpers --------------------------------------------------------------------------

    private static void visitInOrder(Node t, FreeRangeVisitor visitor) {
        if (t != null) {
            visitInOrder(t.left, visitor);
            visitor.visit(t.start, t.length());
            visitInOrder(t.right, visitor);
        }
    }

    private void checkNode(Node t) {
        if (t.start >= t.end) {
            throw new AssertionError("empty free range " + t);
        }
        if (t.start < 0 || t.end > capacity) {
            throw new AssertionError("free range " + t + " outside [0, " + capacity + ")");
        }
        long expectedMax = Math.max(t.length(), Math.max(maxLength(t.left), maxLength(t.right)));
        if (t.maxLength != expectedMax) {
            throw new AssertionError("wrong subtree maximum at " + t + ": maxLength=" + t.maxLength
                    + " expected=" + expectedMax);
        }
        if ((t.left != null && t.left.priority > t.priority) || (t.right != null && t.right.priority > t.priority)) {
            throw new AssertionError("treap heap order broken below " + t);
        }
    }

    /** Rounds value up to a multiple of alignment (a power of two); no overflow below 2^62 each. */
    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** SplitMix64's finaliser: well-spread priorities from a counter, identical on every run. */
    static long mix(long z) {
        z = (z + 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void checkRange(long offset, long size) {
        checkSize(size);
        if (offset < 0 || offset > capacity - size) {
            throw new IllegalArgumentException("range outside capacity: offset=" + offset + " size=" + size
                    + " capacity=" + capacity);
        }
    }

    private static void checkSize(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: size=" + size);
        }
    }

    static void checkAlignment(long alignment) {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("alignment must be a power of two: alignment=" + alignment);
        }
    }

    private static IllegalStateException doubleFree(long offset, long size, Node free) {
        return new IllegalStateException("range overlaps free space (double free?): offset=" + offset
                + " size=" + size + " freeRange=" + free);
    }
}
