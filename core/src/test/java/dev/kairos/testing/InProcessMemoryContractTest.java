package dev.kairos.testing;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;

/** The memory contract on core's own test double (the real backends run it too). */
class InProcessMemoryContractTest extends MemoryContract {
    @Override
    protected Kairos start(KairosConfig config) {
        return InProcessTestBackend.start(config);
    }
}
