package dev.kairos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.DeviceRequest;
import dev.kairos.docker.KairosImage.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a GPU host with Docker and the NVIDIA Container Toolkit: the image, given the host's GPUs as
 * {@code docker run --gpus all} gives them, runs the tutorial on a GPU. Testcontainers has no GPU
 * API, so the container asks for them with a device request. Podman's Docker API accepts such a
 * request and silently ignores it, so the test asserts what the tutorial ran on, not that the
 * container started.
 */
@Tag("gpu")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GpuImageIT {
    @Test
    void givenTheHostsGpusTheTutorialRunsOnAGpu() {
        assumeTheHostHasAnNvidiaGpu();

        Run tutorial = KairosImage.run(container -> container.withCreateContainerCmdModifier(create -> create.getHostConfig()
                .withDeviceRequests(List.of(new DeviceRequest().withDriver("nvidia").withCount(-1).withCapabilities(List.of(List.of("gpu")))))),
                "run", "deferred-allocation", "--batches", "100");

        assertThat(tutorial.output())
                .as("the tutorial must run on a GPU the engine gave the container (podman ignores GPU requests; use Docker with the"
                        + " NVIDIA Container Toolkit):%n%s", tutorial.output())
                .contains("processor   proc:gpu0 (GPU)");
        assertThat(tutorial.exitCode()).as(tutorial.output()).isZero();
        assertThat(tutorial.output()).contains("batches verified  100 / 100");
    }

    /** Skips with the reason unless {@code nvidia-smi -L} lists a GPU on this host. */
    private static void assumeTheHostHasAnNvidiaGpu() {
        String listed;
        try {
            Process smi = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            listed = new String(smi.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            smi.waitFor();
        } catch (IOException e) {
            Assumptions.abort("no NVIDIA GPU here: nvidia-smi cannot be run (" + e.getMessage() + ")");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while nvidia-smi -L ran", e);
        }
        Assumptions.assumeTrue(listed.lines().anyMatch(line -> line.startsWith("GPU ")),
                () -> "no NVIDIA GPU here: nvidia-smi -L listed none (" + listed + ")");
    }
}
