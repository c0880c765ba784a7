package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.TraceModel;
import dev.kairos.testing.TraceModel.Slice;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --trace} on the tutorial and the pipeline benchmark, and the tutorial's {@code --report}. */
class TraceAndReportTest {
    private static final Path FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    @Test
    void theTutorialsTraceHasWriterAndReaderSlicesInstanceSpansAndTheMemoryCounter() throws IOException {
        Path trace = dir.resolve("t.json");
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "50", "--trace", trace.toString(), "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("trace             " + trace);

        TraceModel model = TraceModel.read(trace);
        List<Slice> tasks = model.slicesOn("proc:cpu0 (CPU)");
        assertThat(tasks).hasSize(100);
        assertThat(tasks.getFirst().name()).isEqualTo("writer batch 1");
        assertThat(tasks.getLast().name()).isEqualTo("reader batch 50");
        assertThat(model.slicesOnThreadsStartingWith("instances #")).hasSize(50)
                .allSatisfy(s -> assertThat(s.args().get("bytes").asLong()).isEqualTo(1_398_112));
        assertThat(model.counter("mem:sys in use")).hasSize(100).contains(1_398_112.0).allMatch(v -> v <= 1_398_112);
        assertThat(model.flows).hasSizeGreaterThanOrEqualTo(99);
    }

    @Test
    void compareEagerTracesBothRunsAndTheReportDrawsBothWithTheirPeaks() throws IOException {
        Path trace = dir.resolve("t.json");
        Path report = dir.resolve("r.html");
        Cli r = Cli.run("run", "deferred-allocation", "--compare-eager", "--batches", "10", "--trace", trace.toString(),
                "--report", report.toString(), "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("trace             " + dir.resolve("t-eager.json"), "report      " + report);

        assertThat(TraceModel.read(trace).counter("mem:sys in use")).allMatch(v -> v <= 1_398_112);
        assertThat(TraceModel.read(dir.resolve("t-eager.json")).counter("mem:sys in use")).contains(13_981_120.0);

        String page = Files.readString(report);
        assertThat(page).startsWith("<!DOCTYPE html>").doesNotContain("<script", "<link", "http://", "https://", "@import", "url(")
                .contains("data-run=\"deferred\" data-points=\"20\"", "data-run=\"eager\" data-points=\"20\"",
                        ">deferred peak 1.3 MiB = 1.00 instance</text>", ">eager peak 13.3 MiB = 10.00 instances</text>",
                        "one instance = 1.3 MiB", "<title>writer batch 1, ", "<title>reader batch 1, ", "inst:");
    }

    @Test
    void aReportWithoutTraceLeavesNoTraceBehind() throws IOException {
        Path report = dir.resolve("alone.html");
        List<Path> before = temporaryTraces();
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "3", "--report", report.toString(), "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(report)).contains("data-run=\"deferred\" data-points=\"6\"").doesNotContain("data-run=\"eager\"");
        assertThat(temporaryTraces()).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(report);
        }
    }

    @Test
    void aLongRunIsDrawnPerPixelColumnAndKeepsItsPeak() throws IOException {
        Path report = dir.resolve("long.html");
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "1500", "--batch-bytes", "1K", "--report", report.toString(),
                "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isZero();
        String page = Files.readString(report);
        Matcher path = Pattern.compile("data-run=\"deferred\" data-points=\"3000\"[^>]* d=\"([^\"]*)\"").matcher(page);
        assertThat(path.find()).isTrue();
        long commands = path.group(1).chars().filter(c -> c == 'H' || c == 'V').count();
        assertThat(commands).as("at most a move and three vertical lines per column of 800 pixels").isLessThanOrEqualTo(4 * 800);
        assertThat(page).contains(">deferred peak 1.3 KiB = 1.00 instance</text>"); // 43 points of 32 bytes
    }

    @Test
    void thePipelineBenchmarkTracesEachOfItsTwoRuntimes() throws IOException {
        Path trace = dir.resolve("bench.json");
        Cli r = Cli.run("bench", "pipeline", "--batches", "5", "--batch-bytes", "4K", "--warmup", "0", "--warmup-time", "0",
                "--repeats", "1", "--cuda", "off", "--cpus", "1", "--trace", trace.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(TraceModel.read(trace).slicesOn("proc:cpu0 (CPU)")).extracting(Slice::name).contains("writer batch 5");
        List<Double> eager = TraceModel.read(dir.resolve("bench-eager.json")).counter("mem:sys in use");
        assertThat(eager).contains(5 * eager.getFirst()); // all five instances at once
    }

    @Test
    void aTraceThatFailsToWriteFailsTheRunAndTheSummarySaysWhyInsteadOfNamingItAsWritten() {
        Assumptions.assumeTrue(Files.isWritable(FULL), "needs Linux's " + FULL + ", where every write fails: disk full");
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "3", "--trace", FULL.toString(), "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("batches verified  3 / 3")
                .contains("trace             " + FULL + " failed, incomplete: No space left on device")
                .doesNotContain("trace             " + FULL + System.lineSeparator());
    }

    @Test
    void aReportDrawnFromATraceThatFailedIsNotWritten() throws IOException {
        Assumptions.assumeTrue(Files.isWritable(FULL), "needs Linux's " + FULL + ", where every write fails: disk full");
        Path report = dir.resolve("r.html");
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "3", "--trace", FULL.toString(), "--report", report.toString(),
                "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("kairos: cannot write the report " + report + ": the trace " + FULL
                + " it is drawn from failed: No space left on device");
        assertThat(report).doesNotExist();
    }

    @Test
    void aReportThatFailsAsItIsWrittenExitsOneWithTheReason() {
        Assumptions.assumeTrue(Files.isWritable(FULL), "needs Linux's " + FULL + ", where every write fails: disk full");
        Cli r = Cli.run("run", "deferred-allocation", "--batches", "2", "--report", FULL.toString(), "--cuda", "off", "--cpus", "1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("kairos: cannot write the report " + FULL + ": No space left on device");
    }

    /** Refused with exit code 2 and one line naming the option and why, before anything runs. */
    private static void refused(Cli r, String line) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).as("nothing ran").isEmpty();
        assertThat(r.err().lines().findFirst().orElseThrow()).isEqualTo(line);
        assertThat(r.err()).endsWith("see `kairos run deferred-allocation --help`" + System.lineSeparator());
    }

    @Test
    void aReportOrTraceThatCannotBeWrittenIsRefusedBeforeAnyBatchRuns() throws IOException {
        Path missing = dir.resolve("missing");
        Path file = Files.writeString(dir.resolve("file.txt"), "not a directory");
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--report", missing.resolve("r.html").toString()),
                "kairos: --report " + missing.resolve("r.html") + ": no such directory " + missing);
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--trace", missing.resolve("t.json").toString()),
                "kairos: --trace " + missing.resolve("t.json") + ": no such directory " + missing);
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--report", dir.toString()),
                "kairos: --report " + dir + ": is a directory; name a file");
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--trace", file.resolve("t.json").toString()),
                "kairos: --trace " + file.resolve("t.json") + ": " + file + " is not a directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void theSameFileForTraceAndReportIsRefusedBeforeAnyBatchRunsAlsoAsTheEagerRunsTrace() {
        Path trace = dir.resolve("same.json");
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--trace", trace.toString(), "--report",
                        dir.resolve(".").resolve("same.json").toString()),
                "kairos: --trace and --report name the same file " + trace + ": the report would overwrite the trace");
        refused(Cli.run("run", "deferred-allocation", "--cuda", "off", "--compare-eager", "--trace", trace.toString(),
                        "--report", dir.resolve("same-eager.json").toString()),
                "kairos: --report " + dir.resolve("same-eager.json") + " is the eager run's trace (beside --trace " + trace
                        + "): the report would overwrite it");
        assertThat(trace).doesNotExist();
    }

    @Test
    void aFailureToWriteIsExplainedNotJustNamed() {
        Path missing = dir.resolve("gone");
        assertThat(OutputFile.cause(new NoSuchFileException(missing.resolve("r.html").toString())))
                .isEqualTo("no such directory " + missing);
        assertThat(OutputFile.cause(new NoSuchFileException(dir.resolve("r.html").toString())))
                .isEqualTo("no such file " + dir.resolve("r.html"));
        assertThat(OutputFile.cause(new AccessDeniedException(dir.resolve("r.html").toString()))).isEqualTo("permission denied");
        assertThat(OutputFile.cause(new FileSystemException(dir.toString(), null, "Is a directory"))).isEqualTo("Is a directory");
        assertThat(OutputFile.cause(new IOException("No space left on device"))).isEqualTo("No space left on device");
        assertThat(OutputFile.cause(new IOException())).isEqualTo("IOException");
    }

    @Test
    void aSecondRuntimesTraceGoesBesideTheFirstWithItsVariantBeforeTheExtension() {
        assertThat(TraceOption.sibling(Path.of("out", "t.json"), "eager")).isEqualTo(Path.of("out", "t-eager.json"));
        assertThat(TraceOption.sibling(Path.of("trace"), "eager")).isEqualTo(Path.of("trace-eager"));
        assertThat(TraceOption.sibling(Path.of(".trace"), "eager")).isEqualTo(Path.of(".trace-eager"));
    }

    private static List<Path> temporaryTraces() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("kairos-deferred-")).sorted().toList();
        }
    }
}
