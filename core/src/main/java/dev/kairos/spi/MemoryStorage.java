package dev.kairos.spi;

import java.lang.foreign.MemorySegment;

/**
 * The bytes behind one memory: one contiguous range, carved by core's allocator.
 *
 * @param capacity bytes in the range
 * @param placementAlignment the least alignment of every instance's first byte (a power of two:
 *     64, a cache line, for host memory; 256 for coalesced device access)
 * @param hostSegment the host's view of the bytes, or null if the host cannot access them
 * @param deviceAddress the device address of byte 0, or 0 if the bytes have none
 */
public record MemoryStorage(long capacity, long placementAlignment, MemorySegment hostSegment, long deviceAddress) {

    public MemoryStorage {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be >= 0");
        }
        if (placementAlignment < 1 || Long.bitCount(placementAlignment) != 1) {
            throw new IllegalArgumentException("placementAlignment=" + placementAlignment + " must be a power of two");
        }
        if (hostSegment != null && hostSegment.byteSize() < capacity) {
            throw new IllegalArgumentException(
                    "hostSegment holds " + hostSegment.byteSize() + " bytes, less than capacity=" + capacity);
        }
    }
}
