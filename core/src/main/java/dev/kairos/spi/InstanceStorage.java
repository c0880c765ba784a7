package dev.kairos.spi;

import dev.kairos.Memory;
import dev.kairos.RegionInstance;
import dev.kairos.internal.mem.MemoryImpl;

/**
 * Where an allocated instance's bytes are, for a backend that hands addresses to kernels or copy
 * engines: byte {@code offset} of its memory's {@code storage}.
 */
public record InstanceStorage(Memory memory, MemoryStorage storage, long offset) {

    /**
     * @throws IllegalArgumentException if the instance does not belong to a Kairos memory
     * @throws IllegalStateException if it holds no bytes: not ready yet, its allocation failed, or
     *     it was freed
     */
    public static InstanceStorage of(RegionInstance instance) {
        if (!(instance.memory() instanceof MemoryImpl memory)) {
            throw new IllegalArgumentException(instance + " is not an instance of a Kairos memory");
        }
        long offset = MemoryImpl.offsetOf(instance);
        if (offset < 0) {
            throw new IllegalStateException(instance + " holds no bytes in " + memory
                    + ": it is not ready yet, or its allocation failed (run the operation after instance.ready())");
        }
        return new InstanceStorage(memory, memory.storage(), offset);
    }
}
