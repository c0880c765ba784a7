package dev.kairos.cpu;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import org.junit.jupiter.api.Test;

/** SYSTEM memory larger than the C library can give: the start fails saying how much was asked, why it failed, and what sizes it. */
class SystemMemorySizeTest {

    @Test
    void moreThanTheMachineCanGiveFailsTheStartNamingTheSizeTheReasonAndTheSetting() {
        // 4 EiB, the most a configuration allows: more than any process's address space.
        KairosConfig config = KairosConfig.builder().cpuProcessors(1).systemMemory(KairosConfig.MAX_MEMORY_BYTES).cuda(CudaMode.OFF).build();
        assertThatThrownBy(() -> Kairos.start(config)).isInstanceOf(KairosException.class)
                .hasMessageContaining("could not allocate SYSTEM memory (KairosConfig systemMemory): calloc returned no memory for "
                        + "4611686018427387904 bytes (4.0 EiB), more than the machine, or the limits set on this process, can give; "
                        + "configure less");
    }
}
