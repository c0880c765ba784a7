package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.cli.CommandGroup;
import dev.kairos.cli.OutputFile;
import dev.kairos.cli.Progress;
import dev.kairos.cli.RuntimeOptions;
import dev.kairos.cli.Sizes;
import dev.kairos.cli.Specs;
import dev.kairos.cli.TraceOption;
import dev.kairos.cli.Typed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
                description = "After the table, print one line of JSON with the same figures, every sample, the parameters and the machine.")
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
            report.printHeader(out, title());
            measure(report);
            report.printTable(out);
            if (json) {
                out.println(report.json());
            }
            out.flush();
            return tracesWhole(spec.commandLine().getErr()) ? 0 : 1;
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
         * caller splits into several cases.
         */
        final List<double[]> repeat(String label, int values, Trial trial) throws Exception {
            List<double[]> measured = new ArrayList<>(repeats);
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            try (Progress progress = new Progress(spec.name() + " " + label, warmup + repeats, "runs", System.err)) {
                for (int warmups = 0; warmups < warmup || System.nanoTime() < warmupEnd; warmups++) {
                    check(label, values, trial.run());
                    progress.accept(Math.min(warmups + 1, warmup));
                }
                for (int i = 0; i < repeats; i++) {
                    measured.add(check(label, values, trial.run()));
                    progress.accept(warmup + i + 1);
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
