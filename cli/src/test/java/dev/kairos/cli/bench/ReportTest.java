package dev.kairos.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * The report of a benchmark a stop cut short: the rows of the case cut marked partial (none where it
 * had no measured run), the cases not started absent and named, the JSON's {@code interrupted}
 * saying the same, and a whole benchmark's report free of all of it.
 */
class ReportTest {
    private static final List<Metric> TWO = List.of(Metric.of("spawn", Unit.rate("tasks")), Metric.of("completion", Unit.rate("tasks")));

    /** Three measured runs asked for per case. */
    private static Report report() {
        return new Report("tasks", Map.of("tasks", 10), 1, 0.0, 3, Environment.current());
    }

    private static List<double[]> runs(int count) {
        return IntStream.range(0, count).mapToObj(i -> new double[] {1000 + i, 2000 + i}).toList();
    }

    private static List<String> table(Report report) {
        StringWriter out = new StringWriter();
        report.printTable(new PrintWriter(out, true));
        return out.toString().lines().toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Report report) {
        return (Map<String, Object>) JsonReader.parse(report.json());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Report report) {
        return (List<Map<String, Object>>) json(report).get("rows");
    }

    @Test
    void aCaseCutAfterSomeMeasuredRunsHasItsRowsMarkedPartialAndTheCasesNotStartedAreNamedOnly() {
        Report report = report();
        report.add("gated", TWO, runs(3));
        report.add("chained", TWO, runs(2));
        report.cut("chained", 1, 2);
        report.notStarted("ungated");

        assertThat(report.interrupted()).isTrue();
        assertThat(report.howFar()).isEqualTo("in case chained after 2 of 3 measured runs; not started: ungated");
        List<String> table = table(report);
        assertThat(table).filteredOn(l -> l.startsWith("  gated ")).hasSize(2);
        assertThat(table).filteredOn(l -> l.startsWith("  chained (partial) ")).hasSize(2);
        assertThat(table).noneMatch(l -> l.contains("ungated") && !l.contains("interrupted"));
        assertThat(table).contains("  interrupted in case chained after 2 of 3 measured runs; not started: ungated.",
                "  rows marked (partial) hold only the 2 measured runs of chained.");

        assertThat(rows(report)).extracting(r -> r.get("case"), r -> r.get("partial"), r -> ((List<?>) r.get("samples")).size())
                .containsExactly(tuple("gated", false, 3), tuple("gated", false, 3), tuple("chained", true, 2),
                        tuple("chained", true, 2));
        assertThat(json(report).get("interrupted")).isEqualTo(Map.of("case", "chained", "warmupRuns", 1.0, "measuredRuns", 2.0,
                "notStarted", List.of("ungated")));
    }

    @Test
    void aCaseCutBeforeItsFirstMeasuredRunHasNoRowsAndSaysHowManyWarmUpRunsItHad() {
        Report report = report();
        report.add("gated", TWO, runs(3));
        report.add("chained", TWO, runs(0));
        report.cut("chained", 4, 0);

        assertThat(report.howFar()).isEqualTo("in case chained after 4 warm-up runs and 0 of 3 measured runs");
        List<String> table = table(report);
        assertThat(table).noneMatch(l -> l.startsWith("  chained"));
        assertThat(table).contains("  interrupted in case chained after 4 warm-up runs and 0 of 3 measured runs.",
                "  no rows for chained: it was cut before its first measured run.");
        assertThat(rows(report)).extracting(r -> r.get("case")).containsExactly("gated", "gated");
        assertThat(json(report).get("interrupted")).isEqualTo(Map.of("case", "chained", "warmupRuns", 4.0, "measuredRuns", 0.0,
                "notStarted", List.of()));
    }

    @Test
    void aStopBetweenCasesCutsNoneAndNamesEveryCaseNotStarted() {
        Report report = report();
        report.notStarted("gated");
        report.notStarted("chained");

        assertThat(report.howFar()).isEqualTo("before case gated started; not started: gated, chained");
        assertThat(table(report)).contains("  interrupted before case gated started; not started: gated, chained.")
                .noneMatch(l -> l.startsWith("  no rows") || l.startsWith("  rows marked"));
        assertThat(json(report).get("interrupted")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("case", null)
                .containsEntry("measuredRuns", 0.0).containsEntry("notStarted", List.of("gated", "chained"));
    }

    @Test
    void aWholeBenchmarkSaysNothingOfAnInterruption() {
        Report report = report();
        report.add("gated", TWO, runs(3));

        assertThat(report.interrupted()).isFalse();
        assertThat(table(report)).noneMatch(l -> l.contains("partial") || l.contains("interrupted"));
        assertThat(json(report)).containsEntry("interrupted", null);
        assertThat(rows(report)).allSatisfy(r -> assertThat(r).containsEntry("partial", false));
    }
}
