package dev.kairos.spi;

import dev.kairos.Memory;
import dev.kairos.RegionInstance;
import dev.kairos.internal.mem.MemoryImpl;

/**
 * Where an allocated instance's bytes are, for a backend that hands addresses to kernels or copy
 * engines: byte {@code offset} of its memory's {@code storage}. The offset is valid only while the
 * instance lives: run the operation after {@code instance.ready()} and order its destroy after the
 * operation (core's copies and fills also pin the bytes while their engine runs).
 */
public record InstanceStorage(Memory memory, MemoryStorage storage, long offset) {

    /**
     * @throws IllegalArgumentException if the instance does not belong to a Kairos memory
     * @throws IllegalStateException if it holds no bytes: not ready yet, its allocation failed, or it
     *     was destroyed
     */
    public static InstanceStorage of(RegionInstance instance) {
        if (!(instance.memory() instanceof MemoryImpl memory)) {
            throw new IllegalArgumentException(instance + " is not an instance of a Kairos memory");
        }
        return new InstanceStorage(memory, memory.storage(), MemoryImpl.storageOffset(instance));
    }
}
