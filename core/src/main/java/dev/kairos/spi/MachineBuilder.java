package dev.kairos.spi;

import dev.kairos.Affinity;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import java.util.List;

/** What a backend's {@link Backend#start} adds to the machine. Valid only during that call. */
public interface MachineBuilder {

    KairosConfig config();

    /** The processors added so far, by this backend and those that started before it (utility processors first). */
    List<Processor> processors();

    /** The memories added so far, by this backend and those that started before it. */
    List<Memory> memories();

    /**
     * Adds a processor whose worker threads call {@code driver} around each task body.
     *
     * @param name short and unique in the machine, e.g. {@code cpu0}, {@code gpu0}
     */
    Processor addProcessor(ProcessorKind kind, String name, ProcessorDriver driver);

    /**
     * Adds a memory over {@code storage}; core's allocator carves it, with every deferred-allocation
     * rule, whatever backend provides the bytes.
     *
     * @param name short and unique in the machine, e.g. {@code sys}, {@code gpu0.fb}
     */
    Memory addMemory(MemoryKind kind, String name, MemoryStorage storage);

    /** Declares that {@code processor} can access {@code memory}, and how well. */
    void addAffinity(Processor processor, Memory memory, Affinity affinity);

    /** Declares a copy path from {@code source} to {@code destination}, served by {@code engine}. */
    void addCopyPath(Memory source, Memory destination, Affinity affinity, CopyEngine engine);
}
