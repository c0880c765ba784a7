package dev.kairos;

import dev.kairos.internal.MachineImpl;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** An immutable query over a machine's memories; each filter returns a narrower query. */
public sealed interface MemoryQuery permits MachineImpl.Memories {

    MemoryQuery kind(MemoryKind kind);

    /** Memories whose capacity is at least {@code bytes}. */
    MemoryQuery hasCapacity(long bytes);

    /** Memories that {@code processor} can access. */
    MemoryQuery hasAffinityTo(Processor processor);

    /** The same memories, ordered best first by their affinity to {@code processor} (bandwidth, then latency). */
    MemoryQuery bestAffinityTo(Processor processor);

    List<Memory> list();

    Optional<Memory> first();

    Stream<Memory> stream();

    int count();
}
