package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.cli.CommandGroup;
import dev.kairos.cli.Interruption;
import dev.kairos.cli.OutputFile;
import dev.kairos.cli.Progress;
import dev.kairos.cli.RuntimeOptions;
import dev.kairos.cli.Sizes;
import dev.kairos.cli.Specs;
import dev.kairos.cli.TraceOption;
import dev.kairos.cli.Typed;
import dev.kairos.tutorials.Stop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kairos bench}: the whole-runtime benchmarks, in the shapes of Realm's benchmarks of the same
 * purpose. Each benchmark is a {@link Benchmark}; what they share (warm-up, repeats, the table and the
 * JSON line) lives there, and what each measures in its own class. Micro-benchmarks of single
 * classes are JMH's, in the {@code bench} module.
 */
public final class BenchCommand implements CommandGroup {

    @Override
    public List<Subcommand> subcommands() {
        return List.of(Subcommand.annotated(TasksBench.class), Subcommand.annotated(EventsFanBench.class),
                Subcommand.annotated(EventsLatencyBench.class), Subcommand.annotated(AllocBench.class),
                Subcommand.annotated(PipelineBench.class), Subcommand.annotated(BandwidthBench.class), HELP);
    }

    /**
     * The group's model, built in code so that listing it reads no annotation; {@link CommandGroup#build}
     * adds the benchmarks, which keep their annotations.
     */
    public static CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new BenchCommand()).name("bench");
        spec.usageMessage().description(
                "Whole-runtime benchmarks in the shapes of Realm's benchmarks of the same purpose, in Realm's units, so the "
                        + "figures sit beside Realm's (measured on the project's 2-core machines, see docs/PERFORMANCE.md).",
                "",
                "Each benchmark warms up (JIT), repeats each case, and prints a table: median and min-max of the measured runs, "
                        + "Realm's figure and the ratio where the shape matches Realm's, and the target. --json adds one "
                        + "machine-readable line. Nothing is asserted: these are measurements, not tests. A benchmark machine is "
                        + "noisy: run several times and compare ratios taken in the same run, never figures from different machines.",
                "",
                "Interrupted (Ctrl-C, SIGTERM), a benchmark lets the run in progress end, starts no further run, closes its "
                        + "runtimes (and so finishes each trace with what ran), prints the table and the --json line of what it "
                        + "measured (the cases completed; the rows of the case it cut marked partial, none if it had no measured "
                        + "run yet; the cases not started named; in the JSON, \"interrupted\"), says on standard error how far "
                        + "it got, and exits 130 (SIGINT) or 143 (SIGTERM).",
                "");
        Specs.addStandardHelpOptions(spec);
        return spec;
    }

    /**
     * One benchmark: it checks its parameters, prints what it will measure, runs each case unmeasured
     * (at least {@code --warmup} times and {@code --warmup-time} long) and {@code --repeats} times
     * measured (a progress bar on standard error for long cases), then prints the table and, with
     * {@code --json}, one JSON line.
     */
    abstract static class Benchmark implements Callable<Integer> {
        /** The most {@code --warmup} and {@code --repeats} each: every measured run's figures are kept, for the table and {@code --json}. */
        static final int MAX_RUNS = 100_000;

        @Option(names = "--warmup", paramLabel = "N",
                description = "Runs of each case before measuring, discarded: they let the JIT compile the paths measured. At most "
                        + "100 000. Default: ${DEFAULT-VALUE}.")
        int warmup = 3;

        /** The most {@code --warmup-time}: an hour per case. */
        static final int MAX_WARMUP_SECONDS = 3600;

        @Option(names = "--warmup-time", paramLabel = "SECONDS",
                description = "Keep warming up each case until this much time has passed, however many runs that takes: the JIT "
                        + "compiles a short case's paths only after several runs. At most 3600. Default: ${DEFAULT-VALUE}.")
        double warmupSeconds = 1.0;

        @Option(names = "--repeats", paramLabel = "N",
                description = "Measured runs of each case; the table shows their median and min-max. At most 100 000. Default: "
                        + "${DEFAULT-VALUE}.")
        int repeats = 5;

        @Option(names = "--json",
                description = "After the table, print one line of JSON with the same figures, every sample, the parameters and the machine; "
                        + "\"interrupted\" is null unless Ctrl-C or SIGTERM cut the runs short.")
        boolean json;

        final RuntimeOptions runtime = new RuntimeOptions();

        @Mixin
        CommandSpec runtimeOptions = runtime.mixin();

        final TraceOption trace = new TraceOption();

        @Mixin
        CommandSpec traceOption;

        @Spec
        CommandSpec spec;

        /** What the runtime options ask for, checked before anything is printed, as {@link #configure} adjusts it. */
        private KairosConfig config;

        /** Whether this benchmark also starts the eager loop's runtime, whose trace lies beside {@code --trace}'s. */
        private final boolean eagerRuntime;

        /** The report {@link #call} fills, once it has made it. */
        private Report report;

        /** Each runtime started with a trace, and that trace's file: once they have closed, whether each was written whole. */
        private final List<Traced> traced = new ArrayList<>();

        private record Traced(Kairos kairos, Path file) {}

        /**
         * Requested by SIGINT or SIGTERM ({@link Interruption}): {@link #repeat} starts no run once it
         * is. Not private: a test's benchmark requests it from within a run, as a signal would.
         */
        Stop stop;

        /** The longest run of any case so far, warm-up included: how long a signal may have to wait for the one in progress. */
        private volatile long longestRunNanos;

        /** A benchmark that starts one runtime. */
        Benchmark() {
            this(false);
        }

        /** With {@code eagerRuntime}, a benchmark that also starts the eager loop's runtime ({@code startRuntime("eager")}). */
        Benchmark(boolean eagerRuntime) {
            this.eagerRuntime = eagerRuntime;
            traceOption = eagerRuntime ? trace.mixin() : trace.oneRuntimeMixin();
        }

        /** One run of a case: one value per metric of the case, in the case's order. */
        @FunctionalInterface
        interface Trial {
            double[] run() throws Exception;
        }

        @Override
        public final Integer call() throws Exception {
            if (warmup < 0 || warmup > MAX_RUNS) {
                throw bad("--warmup=" + warmup + " must be from 0 to " + Sizes.group(MAX_RUNS));
            }
            if (!(warmupSeconds >= 0 && warmupSeconds <= MAX_WARMUP_SECONDS)) {
                throw bad("--warmup-time=" + typed("--warmup-time", warmupSeconds) + " must be from 0 to " + MAX_WARMUP_SECONDS
                        + " seconds: an hour of warm-up per case is more than any JIT needs");
            }
            if (repeats < 1 || repeats > MAX_RUNS) {
                throw bad("--repeats=" + repeats + " must be from 1 to " + Sizes.group(MAX_RUNS)
                        + (repeats > MAX_RUNS ? ": every measured run's figures are kept, for the table and --json" : ""));
            }
            trace.checkWritable(spec.commandLine(), eagerRuntime);
            config = configure(runtime.config());
            checkParameters();
            report = new Report(spec.name(), parameters(), warmup, warmupSeconds, repeats, Environment.current());
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Interruption interruption = Interruption.install(this::interruptionBound, waited -> abandon(err, waited))) {
                stop = interruption.stop();
                report.printHeader(out, title());
                measure(report);
                report.printTable(out);
                if (json) {
                    out.println(report.json());
                }
                out.flush();
                if (stop.requested()) {
                    err.println(interrupted());
                    err.flush();
                    return 1;
                }
                return tracesWhole(err) ? 0 : 1;
            }
        }

        /**
         * How long a signal waits for the table: the run in progress ends first, and it may last as
         * long as the longest so far, then the runtimes close ({@link Interruption#bound}).
         */
        private Duration interruptionBound() {
            long close = Interruption.bound(config).toMillis();
            long run = longestRunNanos / 1_000_000 + 1;
            return Duration.ofMillis(close > Long.MAX_VALUE - run ? Long.MAX_VALUE : close + run);
        }

        /** The signal's hook, once the benchmark has not ended in time: the one line it can print before the JVM exits. */
        private void abandon(PrintWriter err, Duration waited) {
            err.println("kairos: interrupted, and the benchmark had not stopped " + waited.toSeconds() + " s later (a run, or "
                    + "closing its runtimes, still going): exiting without the table of the runs measured, which is printed "
                    + "only once they end" + (trace.path(null).isPresent() ? "; its traces may be incomplete" : ""));
            err.flush();
        }

        /** One line: how far the runs got, and what became of each trace. */
        private String interrupted() {
            StringBuilder line = new StringBuilder("kairos: interrupted ").append(report.howFar());
            for (Traced t : traced) {
                line.append("; ").append(OutputFile.interruptedTrace(t.file(), t.kairos().traceFailure()));
            }
            return line.toString();
        }

        /** Whether every trace asked for was written whole; one line on {@code err} for each that was not. */
        private boolean tracesWhole(PrintWriter err) {
            boolean whole = true;
            for (Traced t : traced) {
                Optional<IOException> failure = t.kairos().traceFailure();
                if (failure.isPresent()) {
                    err.println("kairos: the trace " + t.file() + " " + OutputFile.incomplete(failure.get()));
                    whole = false;
                }
            }
            err.flush();
            return whole;
        }

        /** One line on what is measured, for the header. */
        abstract String title();

        /** The benchmark's own parameters, in the order to print them. */
        abstract Map<String, Object> parameters();

        /** Throws {@link #bad} for a parameter out of range; {@link #config()} is known by then. */
        abstract void checkParameters();

        /** The configuration this benchmark's runtimes start with, from what the runtime options ask for: that, unless overridden. */
        KairosConfig configure(KairosConfig options) {
            return options;
        }

        /** The configuration the runtimes start with ({@link #configure}), once {@link #call} has checked the options. */
        final KairosConfig config() {
            return config;
        }

        /** Runs every case through {@link #run} and adds notes to the report. */
        abstract void measure(Report report) throws Exception;

        /** A runtime configured by the runtime options ({@code --cpus}, {@code --sysmem}, ..., {@code --trace}). */
        final Kairos startRuntime() {
            return startRuntime(null);
        }

        /** Another runtime beside the first: its trace, if any, is written beside {@code --trace}'s (see {@link TraceOption}). */
        final Kairos startRuntime(String variant) {
            Kairos kairos = Kairos.start(trace.apply(config, variant));
            report.runtimeStarted(kairos);
            trace.path(variant).ifPresent(file -> traced.add(new Traced(kairos, file)));
            return kairos;
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
         * caller splits into several cases. A stop (SIGINT, SIGTERM) is heeded between runs, never
         * within one: then it returns the runs measured so far, and the report says how far they got.
         */
        final List<double[]> repeat(String label, int values, Trial trial) throws Exception {
            List<double[]> measured = new ArrayList<>(repeats);
            int warmups = 0;
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            try (Progress progress = new Progress(spec.name() + " " + label, warmup + repeats, "runs", System.err)) {
                for (; (warmups < warmup || System.nanoTime() < warmupEnd) && !stop.requested(); warmups++) {
                    runOnce(label, values, trial);
                    progress.accept(Math.min(warmups + 1, warmup));
                }
                while (measured.size() < repeats && !stop.requested()) {
                    measured.add(runOnce(label, values, trial));
                    progress.accept(warmup + measured.size());
                }
            }
            if (measured.size() < repeats) {
                if (warmups == 0 && measured.isEmpty()) {
                    report.notStarted(label);
                } else {
                    report.cut(label, warmups, measured.size());
                }
            }
            return measured;
        }

        /**
         * Whether a stop was requested; if so, {@code caseName} is recorded as not started. For a case
         * with work of its own before its runs, which a stop makes pointless.
         */
        final boolean stopped(String caseName) {
            if (stop.requested()) {
                report.notStarted(caseName);
                return true;
            }
            return false;
        }

        private double[] runOnce(String label, int values, Trial trial) throws Exception {
            long start = System.nanoTime();
            double[] run = check(label, values, trial.run());
            longestRunNanos = Math.max(longestRunNanos, System.nanoTime() - start);
            return run;
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

        /** What the command line gave {@code option}, as typed, or {@code value} where it gave none. */
        final String typed(String option, Object value) {
            return Typed.value(spec.findOption(option)).orElse(String.valueOf(value));
        }

        final ParameterException bad(String message) {
            return new ParameterException(spec.commandLine(), message);
        }

        /** Events (or bytes, or tasks) per second from a count and a duration in nanoseconds. */
        static double perSecond(double count, long nanos) {
            return count * 1e9 / Math.max(nanos, 1);
        }
    }
}
