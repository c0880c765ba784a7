package dev.kairos;

import dev.kairos.internal.MachineImpl;
import java.util.List;

/** The processors and memories the runtime found, and how they reach each other. */
public sealed interface Machine permits MachineImpl {

    ProcessorQuery processors();

    MemoryQuery memories();

    /** How {@code processor} reaches {@code memory}; {@link Affinity#NONE} if it cannot. */
    Affinity affinity(Processor processor, Memory memory);

    /** How a copy from {@code source} to {@code destination} performs; {@link Affinity#NONE} if no copy path connects them. */
    Affinity affinity(Memory source, Memory destination);

    /** One line per backend: what it contributed, or why it is off. */
    List<BackendStatus> backends();
}
