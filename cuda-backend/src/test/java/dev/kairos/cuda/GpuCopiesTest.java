package dev.kairos.cuda;

import dev.kairos.Kairos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On a CUDA device (a GPU, or the software driver the build runs these on too): copies in every direction and fills, byte for byte on random data. */
@Tag("gpu")
@Timeout(120)
class GpuCopiesTest {

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    @Test
    void copiesInEveryDirection() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            CopyScenario.everyDirection(kairos, 11);
        }
    }

    @Test
    void fillsOfEverySize() {
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            CopyScenario.fills(kairos, 12);
        }
    }
}
