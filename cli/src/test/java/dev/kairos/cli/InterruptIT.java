package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.TraceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: {@code kairos run deferred-allocation}, in a JVM of its own, stopped by SIGINT
 * (a terminal's Ctrl-C) or SIGTERM (kill, a service manager) once it has printed its plan, as a run
 * of a billion batches is: it ends with the shell's exit code for the signal, one line on standard
 * error saying how far it got, its trace complete JSON and no temporary file left. Every wait is
 * bounded; nothing is timed.
 */
class InterruptIT {
    @TempDir
    Path dir;

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void ctrlCStopsTheRunFinishesItsTraceAsJsonAndSaysHowFarItGot() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path trace = dir.resolve("t.json");
        SignalledRun run = SignalledRun.start(dir, tmp, "run", "deferred-allocation", "--compare-eager", "--batches", "1000000000",
                "--batch-bytes", "1K", "--cpus", "1", "--cuda", "off", "--trace", trace.toString());
        try {
            run.awaitLine(line -> line.startsWith("  allocation  ")); // the plan's last line, just before the batches start
            run.signal("INT");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(130);
        } finally {
            run.process().destroyForcibly();
        }
        TraceModel model = TraceModel.read(trace);
        assertThat(model.otherData.get("producer").asString()).isEqualTo("Kairos");
        assertThat(dir.resolve("t-eager.json")).doesNotExist();
        assertThat(files(tmp)).isEmpty();
        assertThat(run.kairosErrors()).as(run.errors()).singleElement()
                .asString().matches("kairos: interrupted after [0-9 ]+ of 1 000 000 000 batches verified.*")
                .contains("eager run not started", trace.toString());
    }

    @Test
    void sigtermStopsAnEagerRunAndDeletesTheTemporaryTraceOfTheReportItDidNotWrite() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path report = dir.resolve("r.html");
        SignalledRun run = SignalledRun.start(dir, tmp, "run", "deferred-allocation", "--eager", "--batches", "1000000000",
                "--batch-bytes", "1K", "--cpus", "1", "--cuda", "off", "--report", report.toString());
        try {
            run.awaitLine(line -> line.startsWith("  allocation  ")); // the plan's last line, just before the batches start
            run.signal("TERM");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(143);
        } finally {
            run.process().destroyForcibly();
        }
        assertThat(files(tmp)).as("the temporary trace the report was to be drawn from").isEmpty();
        assertThat(report).doesNotExist();
        assertThat(run.kairosErrors()).as(run.errors()).singleElement()
                .asString().matches("kairos: interrupted after [0-9 ]+ of 1 000 000 000 batches verified.*")
                .contains("report " + report + " not written");
    }
}
