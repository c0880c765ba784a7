package dev.kairos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.docker.KairosImage.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The kairos image run as a user runs it: on the CPU, saying why, where the container has no CUDA
 * driver; and on the GPU path with the software CUDA driver ({@code cuda-backend/software-driver})
 * where the NVIDIA Container Toolkit puts the host's, which is the container flow of a GPU host, end
 * to end, without the hardware.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KairosImageIT {
    /** Where the NVIDIA Container Toolkit mounts the host driver's libcuda.so.1 in a Debian or Ubuntu image. */
    private static final String TOOLKIT_LIBCUDA = "/usr/lib/x86_64-linux-gnu/libcuda.so.1";

    @Test
    void withoutACudaDriverTheDefaultCommandShowsTheCpuAndWhyThereIsNoGpu() {
        Run machine = KairosImage.run();

        assertThat(machine.exitCode()).as(machine.output()).isZero();
        assertThat(machine.output())
                .containsPattern("(?m)^  proc:cpu0 +CPU$")
                .doesNotContain("proc:gpu")
                // The dash needs the image's UTF-8 locale; without it Java prints '?'.
                .contains("CUDA: unavailable — JCuda could not load the CUDA driver: libcuda.so.1: cannot open shared object file");
    }

    @Test
    void theTutorialVerifiesEveryBatchHoldingOneInstanceAtATime() {
        Run tutorial = KairosImage.run("run", "deferred-allocation", "--batches", "100");

        assertThat(tutorial.exitCode()).as(tutorial.output()).isZero();
        assertThat(tutorial.output())
                .contains("processor   proc:cpu0 (CPU); auto found no GPU: CUDA: unavailable")
                .contains("batches verified  100 / 100")
                .containsPattern("peak memory use   .* = 1\\.00 x one instance");
    }

    @Test
    void theKairosCommandStartsFromTheAotCacheTheImageTrained() {
        // With AOTMode=on the JVM exits with an error instead of running without a cache it cannot use.
        Run version = KairosImage.run(container -> container.withEnv("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on"), "--version");

        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output())
                .containsPattern("(?m)^kairos \\S+ on Java 25")
                .doesNotContainIgnoringCase("warning")
                .doesNotContainIgnoringCase("error");

        // picocli's classes too, which the cache holds only as the Java 8 classes the build rewrote them to.
        Run loaded = KairosImage.run(container -> container.withEnv("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info"), "--version");
        assertThat(loaded.output()).contains("picocli.CommandLine source: shared objects file");
    }

    @Test
    void withTheSoftwareDriverWhereTheToolkitPutsLibcudaTheTutorialRunsOnTheGpuPath() {
        KairosImage.image(); // before compiling the driver: without an engine this skips at once
        Path libcuda = softwareDriver();
        // Copied rather than bind-mounted, so that an engine on another host sees it as well.
        Consumer<GenericContainer<?>> driver = container -> container.withCopyToContainer(MountableFile.forHostPath(libcuda, 0755), TOOLKIT_LIBCUDA);

        Run machine = KairosImage.run(driver, "machine");
        assertThat(machine.exitCode()).as(machine.output()).isZero();
        assertThat(machine.output())
                .containsPattern("(?m)^  proc:gpu0 +GPU$")
                .containsPattern("(?m)^  mem:\\S+ +GPU_FB ")
                .doesNotContain("CUDA: unavailable");

        Run tutorial = KairosImage.run(driver, "run", "deferred-allocation", "--processor", "gpu", "--batches", "100", "--verify-on", "cpu");
        assertThat(tutorial.exitCode()).as(tutorial.output()).isZero();
        assertThat(tutorial.output())
                .contains("processor   proc:gpu0 (GPU)")
                .containsPattern("memory      mem:\\S+ \\(GPU_FB,")
                .contains("verified on proc:cpu0")
                .contains("batches verified  100 / 100")
                .containsPattern("peak memory use   .* = 1\\.00 x one instance");
    }

    /**
     * {@code OUT/libcuda.so.1}, built by {@code cuda-backend/software-driver/build.sh OUT}: the host
     * build of the project's own kernels behind the CUDA driver API.
     */
    private static Path softwareDriver() {
        Path script = Path.of(System.getProperty("kairos.software.driver.build"));
        Path out = Path.of(System.getProperty("kairos.software.driver.dir"));
        assertThat(script).as("the software CUDA driver's build script").isRegularFile();
        for (String compiler : List.of(System.getenv().getOrDefault("CC", "gcc"), System.getenv().getOrDefault("CXX", "g++"))) {
            if (!KairosImage.onPath(compiler)) {
                KairosImage.unavailable(compiler + " is not on the PATH, and the software CUDA driver is built with gcc and g++ (CC, CXX)");
            }
        }
        try {
            Process build = new ProcessBuilder("sh", script.toString(), out.toString()).redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(build.waitFor()).as("%s %s said:%n%s", script, out, output).isZero();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + script + " ran", e);
        }
        Path libcuda = out.resolve("libcuda.so.1");
        assertThat(libcuda).as("what %s %s builds", script, out).isRegularFile();
        return libcuda;
    }
}
