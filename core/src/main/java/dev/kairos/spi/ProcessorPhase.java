package dev.kairos.spi;

import dev.kairos.KairosConfig;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;

/** What {@link Backend#createProcessors} may do. Valid only during that call. */
public interface ProcessorPhase {

    /** The requested settings. */
    KairosConfig config();

    /**
     * Adds a processor whose worker threads call {@code driver} around each task body.
     *
     * @param name short and unique in the machine, e.g. {@code cpu0}, {@code gpu0}
     * @throws IllegalArgumentException if the name is blank or already taken
     */
    Processor addProcessor(ProcessorKind kind, String name, ProcessorDriver driver);
}
