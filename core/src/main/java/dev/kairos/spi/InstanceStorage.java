package dev.kairos.spi;

import dev.kairos.Memory;
import dev.kairos.RegionInstance;

/**
 * Where an allocated instance's bytes are, for a backend that hands addresses to kernels or copy
 * engines: byte {@code offset} of its memory's {@code storage}. The offset is valid only while the
 * instance lives: run the operation after {@code instance.ready()} and order its destroy after the
 * operation (core's copies and fills also pin the bytes while their engine runs).
 */
public record InstanceStorage(Memory memory, MemoryStorage storage, long offset) {

    /**
     * A memory whose instances core's allocator places in one {@link MemoryStorage}: what
     * {@link #of} asks. Every {@link Memory} of a runtime is one (core's memory implements it), so
     * that this package need not name the implementation.
     */
    public interface Placement {

        /** The bytes this memory carves. */
        MemoryStorage storage();

        /**
         * Where {@code instance}'s bytes start in {@link #storage()}.
         *
         * @throws IllegalStateException if it holds no bytes: not ready yet, its allocation failed,
         *     or it was freed
         */
        long instanceOffset(RegionInstance instance);
    }

    /**
     * @throws IllegalStateException if the instance holds no bytes: not ready yet, its allocation
     *     failed, or it was freed
     */
    public static InstanceStorage of(RegionInstance instance) {
        // Memory is sealed to the runtime's memories, and each is a Placement.
        Placement memory = (Placement) instance.memory();
        return new InstanceStorage(instance.memory(), memory.storage(), memory.instanceOffset(instance));
    }
}
