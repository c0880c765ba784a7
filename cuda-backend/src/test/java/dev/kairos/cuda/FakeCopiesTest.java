package dev.kairos.cuda;

import static dev.kairos.cuda.FakeCudaDriver.device;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Copies and fills through the test double, which moves real bytes and checks the memory type of
 * each side: the planner-to-driver arithmetic (linear or pitched, offsets, pitches, fill chunks),
 * not a GPU's behaviour.
 */
@Timeout(60)
class FakeCopiesTest {

    @Test
    void copiesInEveryDirectionOnOneGpu() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        try (Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver)) {
            CopyScenario.everyDirection(kairos, 1);
        }
        assertThat(driver.liveResources()).isEmpty();
        // Strided copies within the device gather and scatter in a kernel, never pitched DtoD rows.
        assertThat(driver.launches()).extracting(FakeCudaDriver.Launch::kernel).contains("copy_field");
        assertThat(driver.calls()).noneMatch(c -> c.startsWith("cuMemcpy2D(DEVICE to DEVICE"));
    }

    @Test
    void copiesBetweenTwoGpusGoByUnifiedAddresses() {
        FakeCudaDriver driver = new FakeCudaDriver(device(0, "Fake A", 9, 0, 1L << 30), device(1, "Fake B", 9, 0, 1L << 30));
        try (Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver)) {
            CopyScenario.everyDirection(kairos, 2);
        }
    }

    @Test
    void fillsOfEverySizeInFramebufferAndZeroCopy() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        try (Kairos kairos = Gpus.startFake(Gpus.smallConfig().build(), driver)) {
            CopyScenario.fills(kairos, 3);
            assertThat(driver.launches()).extracting(FakeCudaDriver.Launch::kernel).containsOnly("fill_field");
            // A 24-byte value is two launches: 16 bytes, then 8 at offset 16 with the same stride.
            assertThat(driver.launches()).anySatisfy(l -> assertThat(l.args().get(3)).isEqualTo(8));
        }
    }

    @Test
    void valueBytesTravelLittleEndianInTwoWords() {
        byte[] value = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(DeviceCopyEngine.littleEndian(value, 0, 8)).isEqualTo(0x0807060504030201L);
        assertThat(DeviceCopyEngine.littleEndian(value, 8, 2)).isEqualTo(0x0A09L);
        assertThat(DeviceCopyEngine.littleEndian(value, 8, 0)).isZero();
    }
}
