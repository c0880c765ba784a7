package dev.kairos.internal;

import dev.kairos.Affinity;
import dev.kairos.BackendStatus;
import dev.kairos.Machine;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryQuery;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProcessorQuery;
import dev.kairos.internal.mem.MemoryImpl;
import dev.kairos.internal.proc.ProcessorImpl;
import dev.kairos.spi.CopyEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The processors, memories, affinities and copy paths of one runtime; fixed once started. */
public final class MachineImpl implements Machine {
    private final List<ProcessorImpl> processors = new ArrayList<>();
    private final List<MemoryImpl> memories = new ArrayList<>();
    private final Map<Pair, Affinity> processorAffinity = new HashMap<>();
    private final Map<Pair, CopyPath> copyPaths = new HashMap<>();
    private final List<BackendStatus> backends = new ArrayList<>();

    /**
     * Two ids, as a key of the tables above. Its {@code equals} and {@code hashCode} are written out:
     * a record's generated ones are bound through {@code invokedynamic} on first use, which spins
     * method-handle classes at start (about 12 ms of the main thread's CPU, profiled).
     */
    private record Pair(long a, long b) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.a == a && p.b == b;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(a) * 31 + Long.hashCode(b);
        }
    }

    /** A copy path between two memories. */
    public record CopyPath(Affinity affinity, CopyEngine engine) {}

    // ---------------------------------------------------------------- building (start only)

    void add(ProcessorImpl p) {
        processors.add(p);
    }

    void add(MemoryImpl m) {
        memories.add(m);
    }

    void addAffinity(Processor p, Memory m, Affinity a) {
        processorAffinity.put(new Pair(p.id(), m.id()), a);
    }

    void addCopyPath(Memory source, Memory destination, Affinity a, CopyEngine engine) {
        copyPaths.put(new Pair(source.id(), destination.id()), new CopyPath(a, engine));
    }

    void addBackendStatus(BackendStatus status) {
        backends.add(status);
    }

    boolean hasName(String name) {
        return processors.stream().anyMatch(p -> p.name().equals(name)) || memories.stream().anyMatch(m -> m.name().equals(name));
    }

    public List<ProcessorImpl> processorImpls() {
        return processors;
    }

    public List<MemoryImpl> memoryImpls() {
        return memories;
    }

    /** The copy path from {@code source} to {@code destination}, if one exists. */
    public Optional<CopyPath> copyPath(Memory source, Memory destination) {
        return Optional.ofNullable(copyPaths.get(new Pair(source.id(), destination.id())));
    }

    // ---------------------------------------------------------------- Machine

    @Override
    public ProcessorQuery processors() {
        return new Processors(List.copyOf(processors));
    }

    @Override
    public MemoryQuery memories() {
        return new Memories(List.copyOf(memories));
    }

    @Override
    public Affinity affinity(Processor processor, Memory memory) {
        return processorAffinity.getOrDefault(new Pair(processor.id(), memory.id()), Affinity.NONE);
    }

    @Override
    public Affinity affinity(Memory source, Memory destination) {
        CopyPath path = copyPaths.get(new Pair(source.id(), destination.id()));
        return path == null ? Affinity.NONE : path.affinity();
    }

    @Override
    public List<BackendStatus> backends() {
        return List.copyOf(backends);
    }

    // ---------------------------------------------------------------- queries

    public final class Processors implements ProcessorQuery {
        private final List<Processor> matches;

        Processors(List<? extends Processor> matches) {
            this.matches = List.copyOf(matches);
        }

        private Processors filter(Predicate<Processor> p) {
            return new Processors(matches.stream().filter(p).toList());
        }

        @Override
        public ProcessorQuery kind(ProcessorKind kind) {
            return filter(p -> p.kind() == kind);
        }

        @Override
        public ProcessorQuery hasAffinityTo(Memory memory) {
            return filter(p -> !affinity(p, memory).isEmpty());
        }

        @Override
        public List<Processor> list() {
            return matches;
        }

        @Override
        public Optional<Processor> first() {
            return matches.stream().findFirst();
        }

        @Override
        public Stream<Processor> stream() {
            return matches.stream();
        }

        @Override
        public int count() {
            return matches.size();
        }
    }

    public final class Memories implements MemoryQuery {
        private final List<Memory> matches;

        Memories(List<? extends Memory> matches) {
            this.matches = List.copyOf(matches);
        }

        private Memories filter(Predicate<Memory> p) {
            return new Memories(matches.stream().filter(p).toList());
        }

        @Override
        public MemoryQuery kind(MemoryKind kind) {
            return filter(m -> m.kind() == kind);
        }

        @Override
        public MemoryQuery hasCapacity(long bytes) {
            return filter(m -> m.capacity() >= bytes);
        }

        @Override
        public MemoryQuery hasAffinityTo(Processor processor) {
            return filter(m -> !affinity(processor, m).isEmpty());
        }

        @Override
        public MemoryQuery bestAffinityTo(Processor processor) {
            Comparator<Memory> best = Comparator.<Memory>comparingLong(m -> affinity(processor, m).bandwidthMBps())
                    .reversed()
                    .thenComparingLong(m -> affinity(processor, m).latencyNanos());
            return new Memories(matches.stream().sorted(best).toList());
        }

        @Override
        public List<Memory> list() {
            return matches;
        }

        @Override
        public Optional<Memory> first() {
            return matches.stream().findFirst();
        }

        @Override
        public Stream<Memory> stream() {
            return matches.stream();
        }

        @Override
        public int count() {
            return matches.size();
        }
    }
}
