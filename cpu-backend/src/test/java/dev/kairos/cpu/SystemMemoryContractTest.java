package dev.kairos.cpu;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.testing.MemoryContract;

/** The deferred-allocation contract on the real CPU backend's SYSTEM memory. */
class SystemMemoryContractTest extends MemoryContract {
    @Override
    protected Kairos start(KairosConfig config) {
        return Kairos.start(config.toBuilder().cuda(dev.kairos.CudaMode.OFF).build());
    }
}
