package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.cli.Progress;
import dev.kairos.cli.RuntimeOptions;
import dev.kairos.cli.TraceOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every {@code kairos bench} subcommand shares: it checks its parameters, prints what it
 * will measure, runs each case unmeasured (at least {@code --warmup} times and {@code --warmup-time}
 * long) and {@code --repeats} times
 * measured (a progress bar on standard error for long cases), then prints the table and, with
 * {@code --json}, one JSON line.
 */
abstract class BenchmarkCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Mixin
    RuntimeOptions runtime;

    @Mixin
    TraceOption trace;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (options.warmup < 0) {
            throw bad("--warmup=" + options.warmup + " must be >= 0");
        }
        if (!(options.warmupSeconds >= 0)) {
            throw bad("--warmup-time=" + options.warmupSeconds + " must be >= 0 seconds");
        }
        if (options.repeats < 1) {
            throw bad("--repeats=" + options.repeats + " must be >= 1");
        }
        checkParameters();
        Report report = new Report(spec.name(), parameters(), options.warmup, options.warmupSeconds, options.repeats,
                Environment.current());
        PrintWriter out = spec.commandLine().getOut();
        report.printHeader(out, title());
        measure(report);
        report.printTable(out);
        if (options.json) {
            out.println(report.json());
        }
        out.flush();
        return 0;
    }

    /** One line on what is measured, for the header. */
    abstract String title();

    /** The benchmark's own parameters, in the order to print them. */
    abstract Map<String, Object> parameters();

    /** Throws {@link #bad} for a parameter out of range. */
    abstract void checkParameters();

    /** Runs every case through {@link #run} and adds notes to the report. */
    abstract void measure(Report report) throws Exception;

    /** A runtime configured by the runtime options ({@code --cpus}, {@code --sysmem}, ..., {@code --trace}). */
    final Kairos startRuntime() {
        return startRuntime(null);
    }

    /** Another runtime beside the first: its trace, if any, is written beside {@code --trace}'s (see {@link TraceOption}). */
    final Kairos startRuntime(String variant) {
        return Kairos.start(trace.apply(runtime.config(), variant));
    }

    /**
     * Runs one case: at least {@code --warmup} runs and {@code --warmup-time} thrown away, then
     * {@code --repeats} runs recorded in the report.
     */
    final void run(Report report, String caseName, List<Metric> metrics, Trial trial) throws Exception {
        report.add(caseName, metrics, repeat(caseName, metrics.size(), trial));
    }

    /**
     * Runs a trial unmeasured at least {@code --warmup} times and for at least {@code --warmup-time},
     * then {@code --repeats} times, and returns the measured runs: for trials whose values the
     * caller splits into several cases.
     */
    final List<double[]> repeat(String label, int values, Trial trial) throws Exception {
        List<double[]> measured = new ArrayList<>(options.repeats);
        long warmupEnd = System.nanoTime() + (long) (options.warmupSeconds * 1e9);
        try (Progress progress = new Progress(spec.name() + " " + label, options.warmup + options.repeats, "runs", System.err)) {
            for (int warmups = 0; warmups < options.warmup || System.nanoTime() < warmupEnd; warmups++) {
                check(label, values, trial.run());
                progress.accept(Math.min(warmups + 1, options.warmup));
            }
            for (int i = 0; i < options.repeats; i++) {
                measured.add(check(label, values, trial.run()));
                progress.accept(options.warmup + i + 1);
            }
        }
        return measured;
    }

    private static double[] check(String label, int values, double[] run) {
        if (run.length != values) {
            throw new IllegalStateException(label + " returned " + run.length + " values, expected " + values);
        }
        return run;
    }

    /** Values {@code from} (inclusive) to {@code to} (exclusive) of every run. */
    static List<double[]> columns(List<double[]> runs, int from, int to) {
        return runs.stream().map(r -> Arrays.copyOfRange(r, from, to)).toList();
    }

    final ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Events (or bytes, or tasks) per second from a count and a duration in nanoseconds. */
    static double perSecond(double count, long nanos) {
        return count * 1e9 / Math.max(nanos, 1);
    }
}
