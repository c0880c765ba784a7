package dev.kairos.cuda;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.testing.MemoryContract;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deferred-allocation contract on a real GPU's memories: GPU_FB and ZERO_COPY (and SYSTEM beside them). */
@Tag("gpu")
@ExtendWith(RequiresGpu.class)
class GpuMemoryContractTest extends MemoryContract {

    @Override
    protected Kairos start(KairosConfig config) {
        return Gpus.startReal(config);
    }
}
