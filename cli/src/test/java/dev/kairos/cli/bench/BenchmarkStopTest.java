package dev.kairos.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A stop (what SIGINT and SIGTERM request) heeded between runs, never within one: a benchmark whose
 * runs count themselves and request the stop from within run k, as a signal arriving then would,
 * for every k. Against a model of the schedule (each case: its warm-up runs, then its measured
 * ones, the cases in turn): exactly k runs ran, the case under way at run k keeps the measured runs
 * up to and with it, later cases are named as not started, and the table, the JSON and the line on
 * standard error all say so, with the same counts.
 */
class BenchmarkStopTest {
    private static final int WARMUP = 2;
    private static final int REPEATS = 3;
    private static final List<String> CASES = List.of("first", "second", "third");
    private static final int ALL_RUNS = CASES.size() * (WARMUP + REPEATS);

    /**
     * Three cases of one metric each, whose value is the run's number from 1; the second has work of
     * its own before its runs, which a stop skips ({@link BenchCommand.Benchmark#stopped}).
     */
    @Command(name = "counting")
    static final class Counting extends BenchCommand.Benchmark {
        private final int stopAt;
        int runs;
        int setups;

        Counting(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        String title() {
            return "runs that count themselves";
        }

        @Override
        Map<String, Object> parameters() {
            return Map.of("stopAt", stopAt);
        }

        @Override
        void checkParameters() {}

        @Override
        void measure(Report report) throws Exception {
            List<Metric> metric = List.of(Metric.of("run", Unit.rate("runs")));
            run(report, "first", metric, this::count);
            if (!stopped("second")) {
                setups++;
                run(report, "second", metric, this::count);
            }
            run(report, "third", metric, this::count);
        }

        private double[] count() {
            runs++;
            if (runs == stopAt) {
                stop.request();
            }
            return new double[] {runs};
        }
    }

    private record Result(int exitCode, String out, String err, Counting bench) {}

    private static Result bench(int stopAt) {
        Counting bench = new Counting(stopAt);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(bench).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--warmup", Integer.toString(WARMUP), "--warmup-time", "0", "--repeats", Integer.toString(REPEATS), "--json");
        return new Result(code, out.toString(), err.toString(), bench);
    }

    @Test
    void aStopWithinAnyRunLetsThatRunEndStartsNoOtherAndReportsTheRunsMeasured() {
        for (int stopAt = 1; stopAt <= ALL_RUNS + 1; stopAt++) {
            Result r = bench(stopAt);
            String as = "stop in run " + stopAt + "; out: " + r.out() + "; err: " + r.err();
            int ran = Math.min(stopAt, ALL_RUNS);
            assertThat(r.bench().runs).as(as).isEqualTo(ran);

            // The model: the case under way at run `ran`, and how many of its runs were warm-up and measured.
            int perCase = WARMUP + REPEATS;
            int cutIndex = (ran - 1) / perCase;
            int within = ran - cutIndex * perCase;
            Map<String, Object> json = json(r.out());
            List<String> rowCases = new ArrayList<>();
            for (Object row : (List<?>) json.get("rows")) {
                rowCases.add((String) ((Map<?, ?>) row).get("case"));
            }
            assertThat(r.bench().setups).as(as).isEqualTo(stopAt > perCase ? 1 : 0);
            if (stopAt >= ALL_RUNS) {
                // No stop, or one in the very last run: every case whole, and the report says nothing of a stop.
                assertThat(json).as(as).containsEntry("interrupted", null);
                assertThat(rowCases).as(as).isEqualTo(CASES);
                assertThat(r.out()).as(as).doesNotContain("(partial)", "  interrupted");
                assertThat(r.exitCode()).as(as).isEqualTo(stopAt == ALL_RUNS ? 1 : 0);
                assertThat(r.err().lines().toList()).as(as).isEqualTo(stopAt == ALL_RUNS
                        ? List.of("kairos: interrupted after its last case: every case complete") : List.of());
                continue;
            }
            assertThat(r.exitCode()).as(as).isEqualTo(1);
            List<String> notStarted = CASES.subList(cutIndex + 1, CASES.size());
            String line;
            Map<?, ?> interrupted = (Map<?, ?>) json.get("interrupted");
            if (within == perCase) {
                // The stop came in the last run of a case: that case is whole, the next ones never began.
                assertThat(rowCases).as(as).isEqualTo(CASES.subList(0, cutIndex + 1));
                assertThat(interrupted.get("case")).as(as).isNull();
                line = "kairos: interrupted before case " + notStarted.getFirst() + " started; not started: " + String.join(", ", notStarted);
            } else {
                int warmups = Math.min(within, WARMUP);
                int measured = within - warmups;
                String cut = CASES.get(cutIndex);
                assertThat(rowCases).as(as).isEqualTo(CASES.subList(0, measured > 0 ? cutIndex + 1 : cutIndex));
                assertThat(interrupted.get("case")).as(as).isEqualTo(cut);
                assertThat(interrupted.get("warmupRuns")).as(as).isEqualTo((double) warmups);
                assertThat(interrupted.get("measuredRuns")).as(as).isEqualTo((double) measured);
                if (measured > 0) {
                    Map<?, ?> row = (Map<?, ?>) ((List<?>) json.get("rows")).getLast();
                    double first = cutIndex * perCase + WARMUP + 1;
                    assertThat(row.get("samples")).as(as).isEqualTo(measured == 1 ? List.of(first) : List.of(first, first + 1));
                    assertThat(row.get("partial")).as(as).isEqualTo(true);
                    assertThat(r.out()).as(as).contains("  " + cut + " (partial) ");
                }
                line = "kairos: interrupted in case " + cut + " after "
                        + (measured == 0 ? warmups + " warm-up run" + (warmups == 1 ? "" : "s") + " and " : "")
                        + measured + " of " + REPEATS + " measured runs" + (notStarted.isEmpty() ? "" : "; not started: "
                        + String.join(", ", notStarted));
            }
            assertThat(interrupted.get("notStarted")).as(as).isEqualTo(notStarted);
            assertThat(r.err().lines().toList()).as(as).containsExactly(line);
            assertThat(r.out()).as(as).contains("  interrupted " + line.substring("kairos: interrupted ".length()) + ".");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String out) {
        return (Map<String, Object>) JsonReader.parse(out.lines().toList().getLast());
    }
}
