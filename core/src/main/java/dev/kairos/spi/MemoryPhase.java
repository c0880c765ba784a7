package dev.kairos.spi;

import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;

/** What {@link Backend#createMemories} may do. Valid only during that call. */
public interface MemoryPhase {

    /** The requested settings. */
    KairosConfig config();

    /**
     * Adds a memory over {@code storage}; core's allocator carves it, with every deferred-allocation
     * rule, whatever backend provides the bytes.
     *
     * @param name short and unique in the machine, e.g. {@code sys}, {@code gpu0.fb}
     * @throws IllegalArgumentException if the name is blank or already taken
     */
    Memory addMemory(MemoryKind kind, String name, MemoryStorage storage);
}
