package dev.kairos;

/**
 * A consistent snapshot of one memory's accounting.
 *
 * @param capacity bytes the memory can hold
 * @param used bytes held by live instances
 * @param peakUsed the highest {@code used} since the runtime started
 * @param pendingRelease bytes of live instances whose destroy is requested but not yet done
 * @param liveInstances instances holding bytes
 * @param allocations allocations that succeeded so far
 * @param deferredAllocations of those, how many were accepted under pressure and waited for a release
 * @param failedAllocations allocations refused (did not fit, or a release they counted on was cancelled)
 */
public record MemoryStats(long capacity, long used, long peakUsed, long pendingRelease, long liveInstances,
        long allocations, long deferredAllocations, long failedAllocations) {}
