package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.TraceModel;
import dev.kairos.testing.TraceModel.Slice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --trace} on the tutorial and the pipeline benchmark, and the tutorial's {@code --report}. */
class TraceAndReportTest {
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
