package dev.kairos.internal.mem;

import java.util.ArrayDeque;

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
 * O(log n). A search for an aligned block follows
 * the subtree maxima to the leftmost free range that is long enough; when alignment padding makes
 * that range too short after all, the search moves on to the next long-enough range. The worst
 * case is therefore O((k + 1) log n), where k is the number of free ranges at least {@code size}
 * long that lie below the answer and are rejected for alignment. A range of at least
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
        Node f = floor(offset);
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
        Node f = floor(offset);
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
        Node below = floor(offset);
        if (below != null && below.end > offset) {
            throw doubleFree(offset, size, below);
        }
        Node above = higher(offset);
        if (above != null && above.start < end) {
            throw doubleFree(offset, size, above);
        }
        boolean joinBelow = below != null && below.end == offset;
        boolean joinAbove = above != null && above.start == end;
        if (joinBelow && joinAbove) {
            below.end = above.end;
            root = remove(root, above.start);
            refresh(root, below.start);
            freeRangeCount--;
        } else if (joinBelow) {
            below.end = end;
            refresh(root, below.start);
        } else if (joinAbove) {
            above.start = offset;  // still above every lower range: the order is kept in place
            refresh(root, offset);
        } else {
            root = insert(root, newNode(offset, end));
            freeRangeCount++;
        }
        freeBytes += size;
        usedBytes -= size;
    }

    /** Visits every free range in increasing address order. */
    public void forEachFreeRange(FreeRangeVisitor visitor) {
        visitInOrder(root, visitor);
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

    /** The lowest free range holding an aligned block of size at or above from, or null. */
    private Node search(long size, long alignment, long from) {
        checkSize(size);
        checkAlignment(alignment);
        if (size > capacity || from > capacity - size) {
            return null;
        }
        return search(root, size, alignment, from);
    }

    /** Leftmost fit in t's subtree; left subtrees lie wholly below t.start and are skipped when that is not above from. */
    private static Node search(Node t, long size, long alignment, long from) {
        if (t == null || t.maxLength < size) {
            return null;
        }
        if (t.start > from) {
            Node inLeft = search(t.left, size, alignment, from);
            if (inLeft != null) {
                return inLeft;
            }
        }
        if (alignUp(Math.max(t.start, from), alignment) <= t.end - size) {
            return t;
        }
        return search(t.right, size, alignment, from);
    }

    /** The free range with the greatest start not above offset, or null. */
    private Node floor(long offset) {
        Node t = root;
        Node best = null;
        while (t != null) {
            if (t.start <= offset) {
                best = t;
                t = t.right;
            } else {
                t = t.left;
            }
        }
        return best;
    }

    /** The free range with the least start above offset, or null. */
    private Node higher(long offset) {
        Node t = root;
        Node best = null;
        while (t != null) {
            if (t.start > offset) {
                best = t;
                t = t.left;
            } else {
                t = t.right;
            }
        }
        return best;
    }

    // ---- updates --------------------------------------------------------------------------

    /** Removes {@code [offset, offset + size)} from free range f, which contains it. */
    private void take(Node f, long offset, long size) {
        long start = f.start;
        long end = f.end;
        long blockEnd = offset + size;
        boolean keepBelow = offset > start;
        boolean keepAbove = blockEnd < end;
        if (keepBelow && keepAbove) {
            f.end = offset;
            refresh(root, start);
            root = insert(root, newNode(blockEnd, end));
            freeRangeCount++;
        } else if (keepBelow) {
            f.end = offset;
            refresh(root, start);
        } else if (keepAbove) {
            f.start = blockEnd;  // still below every higher range: the order is kept in place
            refresh(root, blockEnd);
        } else {
            root = remove(root, start);
            freeRangeCount--;
        }
        freeBytes -= size;
        usedBytes += size;
    }

    private Node newNode(long start, long end) {
        return new Node(start, end, mix(prioritySeed++));
    }

    private static Node insert(Node t, Node n) {
        if (t == null) {
            return n;
        }
        if (n.start < t.start) {
            t.left = insert(t.left, n);
            if (t.left.priority > t.priority) {
                return rotateRight(t);
            }
        } else {
            t.right = insert(t.right, n);
            if (t.right.priority > t.priority) {
                return rotateLeft(t);
            }
        }
        update(t);
        return t;
    }

    private static Node remove(Node t, long start) {
        if (start < t.start) {
            t.left = remove(t.left, start);
        } else if (start > t.start) {
            t.right = remove(t.right, start);
        } else {
            return merge(t.left, t.right);
        }
        update(t);
        return t;
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

    /** Recomputes the subtree maxima on the path to the range starting at start, after it changed in place. */
    private static void refresh(Node t, long start) {
        if (start < t.start) {
            refresh(t.left, start);
        } else if (start > t.start) {
            refresh(t.right, start);
        }
        update(t);
    }

    private static Node rotateRight(Node t) {
        Node l = t.left;
        t.left = l.right;
        l.right = t;
        update(t);
        update(l);
        return l;
    }

    private static Node rotateLeft(Node t) {
        Node r = t.right;
        t.right = r.left;
        r.left = t;
        update(t);
        update(r);
        return r;
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
    private static long mix(long z) {
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
