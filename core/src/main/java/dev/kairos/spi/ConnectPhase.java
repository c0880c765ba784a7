package dev.kairos.spi;

import dev.kairos.Affinity;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.Processor;
import java.util.List;

/** What {@link Backend#connect} may do. Valid only during that call. */
public interface ConnectPhase {

    /** The requested settings. */
    KairosConfig config();

    /** Every processor of the machine, whichever backend added it (the runtime's utility processors first). */
    List<Processor> processors();

    /** Every memory of the machine, whichever backend added it. */
    List<Memory> memories();

    /** Declares that {@code processor} can access {@code memory}, and how well. */
    void addAffinity(Processor processor, Memory memory, Affinity affinity);

    /** Declares a copy path from {@code source} to {@code destination}, served by {@code engine}. */
    void addCopyPath(Memory source, Memory destination, Affinity affinity, CopyEngine engine);
}
