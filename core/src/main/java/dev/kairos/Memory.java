package dev.kairos;

import dev.kairos.internal.mem.MemoryImpl;

/**
 * A memory handle ({@code mem:sys}, {@code mem:gpu0.fb}): one contiguous range of bytes that
 * instances are carved from, with deferred allocation (see {@link RegionInstance#create}).
 */
public sealed interface Memory extends Comparable<Memory> permits MemoryImpl {

    MemoryKind kind();

    /** Short name, unique in its runtime: {@code sys}, {@code gpu0.fb}, {@code zcopy}. */
    String name();

    /** A stable id, unique in its runtime. */
    long id();

    /** Bytes this memory can hold. */
    long capacity();

    /** Bytes held by live instances now (exact instance sizes, without alignment padding). */
    long used();

    /** The highest {@link #used()} since the runtime started. */
    long peakUsed();

    /** Every figure of this memory's accounting, taken at one instant. */
    MemoryStats stats();

    @Override
    default int compareTo(Memory other) {
        return Long.compare(id(), other.id());
    }
}
