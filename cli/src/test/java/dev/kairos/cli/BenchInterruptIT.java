package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.TraceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * After {@code package}: {@code kairos bench}, in a JVM of its own, stopped by SIGINT or SIGTERM in
 * the middle of a case of 100 000 measured runs. It ends with the shell's exit code for the signal,
 * prints the table and the JSON line of the runs it measured, marked interrupted, says how far it got
 * in one line on standard error, and closes its traces whole, holding exactly the runs reported.
 *
 * <p>How many runs are measured before the signal lands is not fixed: each test waits for its trace
 * to hold many runs' events first, so that some are all but certain, and asserts only what holds
 * for any count. Every wait is bounded; nothing is timed.
 */
class BenchInterruptIT {
    private static final int TASKS = 200;

    @TempDir
    Path dir;

    /** How far the line on standard error says the benchmark got. */
    private record HowFar(String cut, int measured, List<String> notStarted) {}

    /**
     * Reads the one {@code kairos:} line on standard error: "interrupted in case C after K of 100 000
     * measured runs" or "interrupted before case C started", the cases not started, then each trace
     * finished with what ran.
     */
    private static HowFar howFar(SignalledRun run, List<Path> traces) {
        assertThat(run.kairosErrors()).as(run.errors()).hasSize(1);
        StringBuilder tracesDone = new StringBuilder();
        for (Path t : traces) {
            tracesDone.append("; trace ").append(Pattern.quote(t.toString())).append(" finished with what ran");
        }
        Matcher m = Pattern.compile("kairos: interrupted (?:in case (\\S+) after ([0-9 ]+) of 100 000 measured runs|before case \\S+ started)"
                + "(?:; not started: (.+?))?" + tracesDone).matcher(run.kairosErrors().getFirst());
        assertThat(m.matches()).as(run.errors()).isTrue();
        return new HowFar(m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2).replace(" ", "")),
                m.group(3) == null ? List.of() : List.of(m.group(3).split(", ")));
    }

    /** The measured runs in the JSON line, by case, in the order of its rows; checks each row of a case has as many. */
    private static Map<String, Integer> runsByCase(JsonNode json) {
        Map<String, Integer> runs = new LinkedHashMap<>();
        for (JsonNode row : json.get("rows")) {
            int samples = row.get("samples").size();
            Integer before = runs.putIfAbsent(row.get("case").asString(), samples);
            assertThat(before == null || before == samples).as("every row of %s has as many samples", row.get("case")).isTrue();
            assertThat(row.get("partial").asBoolean()).as("%s partial", row.get("case")).isEqualTo(samples < 100_000);
        }
        return runs;
    }

    private static long slices(Path trace, String name) throws Exception {
        return TraceModel.read(trace).slices.stream().filter(s -> s.name().equals(name)).count();
    }

    @Test
    void ctrlCPrintsTheTableOfTheRunsMeasuredMarkedInterruptedAndSaysHowFarItGot() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path trace = dir.resolve("t.json");
        SignalledRun run = SignalledRun.start(dir, tmp, "bench", "tasks", "--tasks", Integer.toString(TASKS), "--warmup", "0",
                "--warmup-time", "0", "--repeats", "100000", "--json", "--cpus", "1", "--cuda", "off", "--trace", trace.toString());
        List<String> out;
        try {
            run.awaitLine(line -> line.startsWith("  runs        ")); // the header's last line
            run.awaitSize(trace, 1 << 20); // some 30 runs' tasks
            run.signal("INT");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(130);
            out = run.output();
        } finally {
            run.process().destroyForcibly();
        }
        HowFar far = howFar(run, List.of(trace));
        JsonNode json = JsonMapper.builder().build().readTree(out.getLast());
        JsonNode interrupted = json.get("interrupted");
        assertThat(interrupted.get("case").isNull() ? null : interrupted.get("case").asString()).isEqualTo(far.cut());
        assertThat(interrupted.get("warmupRuns").asInt()).isZero();
        assertThat(interrupted.get("measuredRuns").asInt()).isEqualTo(far.measured());
        List<String> notStarted = new ArrayList<>();
        interrupted.get("notStarted").forEach(n -> notStarted.add(n.asString()));
        assertThat(notStarted).isEqualTo(far.notStarted());

        // The cases run before the cut are whole, the cut one has its measured runs (no rows without any), the rest are absent.
        List<String> cases = List.of("gated", "chained", "ungated");
        Map<String, Integer> runs = runsByCase(json);
        int begun = far.cut() != null ? cases.indexOf(far.cut()) + 1 : cases.indexOf(far.notStarted().getFirst());
        assertThat(far.notStarted()).isEqualTo(cases.subList(begun, cases.size()));
        for (String c : cases.subList(0, begun)) {
            int expected = c.equals(far.cut()) ? far.measured() : 100_000;
            assertThat(runs.getOrDefault(c, 0)).as(c).isEqualTo(expected);
            assertThat(out).as(c).filteredOn(l -> l.startsWith("  " + c + " ") && l.contains("tasks/s")).hasSize(expected == 0 ? 0 : 2)
                    .allMatch(l -> l.startsWith("  " + c + (expected < 100_000 ? " (partial) " : " ")));
        }
        assertThat(runs.keySet()).doesNotContainAnyElementsOf(far.notStarted());
        String said = run.kairosErrors().getFirst();
        assertThat(out).contains("  " + said.substring("kairos: ".length(), said.indexOf("; trace ")) + ".");

        // Every run ended whole and none started after the last one reported: the trace has each one's tasks, no more.
        int total = runs.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(slices(trace, "empty")).isEqualTo((long) TASKS * total);
    }

    @Test
    void sigtermCutsTheTrialOfSeveralCasesAndTheirRowsAlike() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path trace = dir.resolve("p.json");
        Path eagerTrace = dir.resolve("p-eager.json");
        SignalledRun run = SignalledRun.start(dir, tmp, "bench", "pipeline", "--batches", "2", "--batch-bytes", "1K", "--warmup",
                "0", "--warmup-time", "0", "--repeats", "100000", "--json", "--cpus", "1", "--cuda", "off", "--trace", trace.toString());
        List<String> out;
        try {
            run.awaitLine(line -> line.startsWith("  runs        "));
            run.awaitSize(trace, 1 << 19); // some 200 runs' batches
            run.signal("TERM");
            assertThat(run.exitCode()).as(run.errors()).isEqualTo(143);
            out = run.output();
        } finally {
            run.process().destroyForcibly();
        }
        HowFar far = howFar(run, List.of(trace, eagerTrace));
        assertThat(far.notStarted()).isEmpty();
        JsonNode json = JsonMapper.builder().build().readTree(out.getLast());
        assertThat(json.get("interrupted").get("case").asString()).isEqualTo("deferred+eager").isEqualTo(far.cut());
        assertThat(json.get("interrupted").get("measuredRuns").asInt()).isEqualTo(far.measured());
        Map<String, Integer> runs = runsByCase(json);
        if (far.measured() == 0) {
            assertThat(runs).isEmpty();
            assertThat(out).contains("  no rows for deferred+eager: it was cut before its first measured run.");
        } else {
            assertThat(runs).isEqualTo(Map.of("deferred", far.measured(), "eager", far.measured(), "deferred/eager", far.measured()));
            assertThat(out).filteredOn(l -> l.matches("  (deferred|eager|deferred/eager) \\(partial\\) .*")).hasSize(4 + 4 + 1);
        }
        // Each run verifies both batches of each loop, each loop on its runtime, each traced whole.
        assertThat(slices(trace, "writer batch 2")).isEqualTo(far.measured());
        assertThat(slices(eagerTrace, "writer batch 2")).isEqualTo(far.measured());
    }
}
