package dev.kairos.internal.mem;

import java.util.Arrays;

/**
 * The union of half-open byte ranges that may overlap, for the planner's slower paths: the places
 * promised to accepted allocations, or everything that stays occupied in a request's view of the
 * future. Ranges are added, then the union is sorted and merged once on the first query.
 */
final class IntervalUnion {

    private long[] starts = new long[8];
    private long[] ends = new long[8];
    private int size;
    private boolean merged = true;

    /** Adds {@code [start, end)}; an empty range adds nothing. */
    void add(long start, long end) {
        if (start >= end) {
            return;
        }
        if (size == starts.length) {
            int grown = Math.max(8, size * 2);
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
        }
        starts[size] = start;
        ends[size] = end;
        size++;
        merged = false;
    }

    /** Whether {@code [start, end)} shares a byte with the union. */
    boolean overlaps(long start, long end) {
        merge();
        int i = firstEndingAfter(start);
        return i < size && starts[i] < end;
    }

    /**
     * The lowest aligned offset where {@code bytes} fit in {@code [0, capacity)} outside the union,
     * or {@link RangeAllocator#NO_FIT}.
     */
    long firstGap(long bytes, long alignment, long capacity) {
        merge();
        long cursor = 0;
        for (int i = 0; i < size; i++) {
            long candidate = RangeAllocator.alignUp(cursor, alignment);
            if (candidate <= starts[i] - bytes) {
                return candidate;
            }
            cursor = Math.max(cursor, ends[i]);
        }
        long candidate = RangeAllocator.alignUp(cursor, alignment);
        return candidate <= capacity - bytes ? candidate : RangeAllocator.NO_FIT;
    }

    /**
     * The lowest aligned offset where {@code bytes} are free in the allocator and outside the
     * union, or {@link RangeAllocator#NO_FIT}. Each blocked candidate moves the search past one
     * merged range of the union, so this costs at most (ranges + 1) allocator searches.
     */
    long firstFreeOutside(RangeAllocator allocator, long bytes, long alignment) {
        merge();
        long from = 0;
        while (true) {
            long candidate = allocator.firstFit(bytes, alignment, from);
            if (candidate == RangeAllocator.NO_FIT) {
                return candidate;
            }
            int i = firstEndingAfter(candidate);
            if (i == size || starts[i] >= candidate + bytes) {
                return candidate;
            }
            from = ends[i];
        }
    }

    /** Index of the first merged range whose end lies above offset (size if none). */
    private int firstEndingAfter(long offset) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Sorts by start and merges overlapping or touching ranges, in place. */
    private void merge() {
        if (merged) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long[] mergedStarts = new long[Math.max(size, 1)];
        long[] mergedEnds = new long[Math.max(size, 1)];
        int n = 0;
        for (int index : order) {
            if (n > 0 && starts[index] <= mergedEnds[n - 1]) {
                mergedEnds[n - 1] = Math.max(mergedEnds[n - 1], ends[index]);
            } else {
                mergedStarts[n] = starts[index];
                mergedEnds[n] = ends[index];
                n++;
            }
        }
        starts = mergedStarts;
        ends = mergedEnds;
        size = n;
        merged = true;
    }
}
