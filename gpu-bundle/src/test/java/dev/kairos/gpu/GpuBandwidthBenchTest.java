package dev.kairos.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.cli.Main;
import dev.kairos.cuda.Gpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a CUDA device (a GPU, or the software driver the build runs these on too): {@code kairos bench bandwidth --processor gpu} runs the tutorial's GPU kernels and
 * the device copy in both layouts and prints the table. The figures are logged, not checked: a test
 * does not time.
 */
@Tag("gpu")
@Timeout(300)
class GpuBandwidthBenchTest {
    private static final Logger log = LoggerFactory.getLogger(GpuBandwidthBenchTest.class);
    private static final String FIGURE = "\\d+\\.\\d+\\s+\\d+\\.\\d+ - \\d+\\.\\d+\\s+";

    @BeforeEach
    void needsAGpu() {
        Gpus.assumeUsable();
    }

    @Test
    void bandwidthOnTheGpuPrintsEveryFigureOfBothLayoutsAgainstTheGpuTarget() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "bench", "bandwidth", "--processor", "gpu", "--batch-bytes", "16M", "--warmup", "1", "--warmup-time", "0", "--repeats", "1");
        log.info("kairos bench bandwidth --processor gpu --batch-bytes 16M:\n{}", out);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.getFirst()).startsWith("kairos bench bandwidth: ").endsWith("against plain passes over the same bytes, on gpu");
        for (String layout : List.of("aos", "soa")) {
            for (String metric : List.of("writer", "reader", "writer\\+reader", "copy")) {
                assertThat(lines).as(layout + " " + metric).anyMatch(l -> l.matches("  " + layout + "\\s+" + metric + "\\s+" + FIGURE + "GB/s.*"));
            }
            assertThat(lines).as(layout + " ratio").anyMatch(l -> l.matches("  " + layout + "\\s+writer\\+reader / copy\\s+.*>= 85\\.0 % (met|NOT met)"));
        }
        assertThat(out.toString()).contains("(GPU), instance in mem:", "times on the device, by CUDA events around each task's kernels or copy")
                .containsPattern("(?m)^  CUDA: 1 GPUs?: gpu0 .*; driver for CUDA \\d+\\.\\d+$");
    }

    /** The default batch (256 MiB of fields, 341.3 MiB in AoS) is more than the default GPU_FB (256 MiB) holds. */
    @Test
    void theDefaultSizeRunsWithoutFbmemInGpuMemorySizedToTheInstance() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "bench", "bandwidth", "--processor", "gpu", "--layout", "aos", "--warmup", "0", "--warmup-time", "0", "--repeats", "1");
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).contains("fbmem=358612992", "bytes moved per pass: aos 357 913 952 bytes (341.3 MiB)",
                "instance in mem:gpu0.fb");
    }
}
