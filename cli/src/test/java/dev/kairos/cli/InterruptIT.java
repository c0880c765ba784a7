package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.TraceModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    /** Far longer than any of these runs needs, so that only a run that hangs reaches it. */
    private static final long BOUND_SECONDS = 120;

    @TempDir
    Path dir;

    /** A run in progress: its process, the lines of its standard output as they come, its standard error's file. */
    private record Run(Process process, BlockingQueue<String> out, Path err) {
        /** Returns once the run has printed its plan's last line, just before the batches start. */
        void awaitPlan() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                String line = out.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.startsWith("  allocation  ")) {
                        return;
                    }
                } else if (!process.isAlive()) {
                    break;
                }
            }
            throw new AssertionError("the run never printed its plan; it printed " + seen + " and on standard error "
                    + errors());
        }

        void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            assertThat(kill.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -%s", name).isZero();
        }

        /** The exit code, once the process has ended; a process still alive after the bound is killed and fails the test. */
        int exitCode() throws InterruptedException, IOException {
            if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running " + BOUND_SECONDS + " s after the signal; standard error: " + errors());
            }
            return process.exitValue();
        }

        String errors() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }

    /**
     * What puts SIGINT back to its default before the command starts: coreutils' {@code env
     * --default-signal} (8.31 and later), or nothing where there is none. A non-interactive shell
     * starts a background job with SIGINT ignored, everything it starts inherits that, and a JVM
     * leaves an ignored SIGINT ignored, so a build run in the background (as CI may) would have a run
     * that Ctrl-C cannot reach.
     */
    private static List<String> sigintDefault() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(BOUND_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0
                ? List.of("/usr/bin/env", "--default-signal=INT")
                : List.of();
    }

    /** Starts the packaged command line with {@code args}, its temporary files in {@code tmp}. */
    private Run start(Path tmp, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(sigintDefault());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target", "kairos.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        Path err = dir.resolve("stderr.txt");
        Process process = builder.redirectError(err.toFile()).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException e) {
                out.add("(standard output unreadable: " + e + ")");
            }
        });
        return new Run(process, out, err);
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void ctrlCStopsTheRunFinishesItsTraceAsJsonAndSaysHowFarItGot() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path trace = dir.resolve("t.json");
        Run run = start(tmp, "run", "deferred-allocation", "--compare-eager", "--batches", "1000000000", "--batch-bytes", "1K",
                "--cpus", "1", "--cuda", "off", "--trace", trace.toString());
        try {
            run.awaitPlan();
            run.signal("INT");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(130);
        } finally {
            run.process().destroyForcibly();
        }
        TraceModel model = TraceModel.read(trace);
        assertThat(model.otherData.get("producer").asString()).isEqualTo("Kairos");
        assertThat(dir.resolve("t-eager.json")).doesNotExist();
        assertThat(files(tmp)).isEmpty();
        assertThat(run.errors().lines().filter(l -> l.startsWith("kairos: ")).toList()).as(run.errors()).singleElement()
                .asString().matches("kairos: interrupted after [0-9 ]+ of 1 000 000 000 batches verified.*")
                .contains("eager run not started", trace.toString());
    }

    @Test
    void sigtermStopsAnEagerRunAndDeletesTheTemporaryTraceOfTheReportItDidNotWrite() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path report = dir.resolve("r.html");
        Run run = start(tmp, "run", "deferred-allocation", "--eager", "--batches", "1000000000", "--batch-bytes", "1K",
                "--cpus", "1", "--cuda", "off", "--report", report.toString());
        try {
            run.awaitPlan();
            run.signal("TERM");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(143);
        } finally {
            run.process().destroyForcibly();
        }
        assertThat(files(tmp)).as("the temporary trace the report was to be drawn from").isEmpty();
        assertThat(report).doesNotExist();
        assertThat(run.errors().lines().filter(l -> l.startsWith("kairos: ")).toList()).as(run.errors()).singleElement()
                .asString().matches("kairos: interrupted after [0-9 ]+ of 1 000 000 000 batches verified.*")
                .contains("report " + report + " not written");
    }
}
