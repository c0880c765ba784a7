package dev.kairos.spi;

import java.util.List;

/**
 * Moves bytes along one copy path. Core plans each copy into strided field copies (instance bases,
 * field offsets and point ranges already resolved) and calls the engine on a utility thread once
 * every precondition has triggered. A fill uses the engine of the path from a memory to itself.
 */
public interface CopyEngine {

    /** Performs every copy, then calls {@code done} exactly once (any thread, any time later). */
    void copy(List<FieldCopy> copies, Completion done);

    /** Performs every fill, then calls {@code done} exactly once. */
    void fill(List<FieldFill> fills, Completion done);

    /**
     * {@code count} elements of {@code elementSize} bytes: element i is read at
     * {@code sourceOffset + i * sourceStride} of the source memory and written at
     * {@code destinationOffset + i * destinationStride} of the destination memory.
     */
    record FieldCopy(MemoryStorage source, long sourceOffset, long sourceStride,
            MemoryStorage destination, long destinationOffset, long destinationStride,
            long elementSize, long count) {}

    /** {@code count} elements, element i at {@code offset + i * stride}, each set to {@code value}. */
    record FieldFill(MemoryStorage destination, long offset, long stride, long count, byte[] value) {}

    /** How an engine reports the end of its work. */
    interface Completion {
        void complete();

        void fail(Throwable error);
    }
}
