package dev.kairos.cuda;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.testing.MemoryContract;

/**
 * The deferred-allocation contract on the CUDA backend's GPU_FB and ZERO_COPY memories over the
 * test double of the driver: no GPU is involved, but the memories are set up by the backend exactly
 * as on a GPU, so the rules are checked on them wherever the tests run.
 */
class FakeGpuMemoryContractTest extends MemoryContract {
    @Override
    protected Kairos start(KairosConfig config) {
        return Gpus.startFake(config, FakeCudaDriver.oneGpu());
    }
}
