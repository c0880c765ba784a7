package dev.kairos;

import dev.kairos.internal.MachineImpl;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** An immutable query over a machine's processors; each filter returns a narrower query. */
public sealed interface ProcessorQuery permits MachineImpl.Processors {

    ProcessorQuery kind(ProcessorKind kind);

    /** Processors that can access {@code memory}. */
    ProcessorQuery hasAffinityTo(Memory memory);

    List<Processor> list();

    Optional<Processor> first();

    Stream<Processor> stream();

    int count();
}
