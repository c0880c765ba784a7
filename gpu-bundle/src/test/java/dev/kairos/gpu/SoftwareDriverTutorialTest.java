package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.MemoryKind;
import dev.kairos.cpu.CpuBackend;
import dev.kairos.cuda.CudaBackend;
import dev.kairos.cuda.Gpus;
import dev.kairos.cuda.SoftwareDriver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial on the software CUDA driver, where a test can count driver calls and plant a kernel
 * fault: what the GPU reader asks of the device per batch, and what the command line does when a
 * kernel faults halfway through a run.
 */
@Tag("software-driver")
@Timeout(120)
class SoftwareDriverTutorialTest {
    private static final long BATCHES = 20;

    @BeforeEach
    void needsTheSoftwareDriver() {
        SoftwareDriver.assumeLoaded();
    }

    @Test
    void aGpuReaderNeitherAllocatesNorSynchronisesTheDevicePerBatch() {
        try (Kairos kairos = Kairos.start(Gpus.smallConfig().build(), List.of(new CpuBackend(), new CudaBackend()))) {
            var tasks = TutorialScenario.gpuAndCpuTasks(kairos);
            long allocations = SoftwareDriver.calls("cuMemAlloc_v2");
            long frees = SoftwareDriver.calls("cuMemFree_v2");
            long deviceSyncs = SoftwareDriver.calls("cuCtxSynchronize");
            long streamSyncs = SoftwareDriver.calls("cuStreamSynchronize");
            long scratch = SoftwareDriver.calls("cuMemAllocAsync");

            TutorialScenario.runOnGpu(kairos, tasks, MemoryKind.GPU_FB, BATCHES, 24 * 1024, 1);

            assertThat(SoftwareDriver.calls("cuMemAlloc_v2") - allocations).as("cuMemAlloc calls").isZero();
            assertThat(SoftwareDriver.calls("cuMemFree_v2") - frees).as("cuMemFree calls (each waits for the device)").isZero();
            assertThat(SoftwareDriver.calls("cuCtxSynchronize") - deviceSyncs).as("cuCtxSynchronize calls").isZero();
            assertThat(SoftwareDriver.calls("cuMemAllocAsync") - scratch).as("stream-ordered counters, one per reader")
                    .isEqualTo(BATCHES);
            assertThat(SoftwareDriver.calls("cuStreamSynchronize") - streamSyncs)
                    .as("waits for the task's stream: one per reader, to read its counters back").isEqualTo(BATCHES);
        }
        assertThat(SoftwareDriver.live()).as("what the driver still holds after close").isNull();
    }

    @Test
    void aKernelFaultHalfwayThroughARunFailsItsBatchAndTheCommandEnds(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("output.txt");
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.kairos.cli.Main",
                "run", "deferred-allocation", "--processor", "gpu", "--batches", "5", "--batch-bytes", "24K", "--cpus", "1",
                "--fbmem", "32M", "--zcmem", "16M", "--sysmem", "64M")
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        run.environment().put("KAIROS_SOFTCUDA_FAULT", "update_long_double@3");
        Process process = run.start();
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("the command ended; its output:%n%s", output).isTrue();

        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isNotZero();
        assertThat(output).contains("batches verified  2 / 5", "update_long_double", "CUDA_ERROR_ILLEGAL_ADDRESS");
    }
}
