package dev.kairos.cli;

import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryStats;
import dev.kairos.Processor;
import dev.kairos.cli.report.ReportPage;
import dev.kairos.cli.report.RunTimeline;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.Stop;
import dev.kairos.tutorials.TutorialRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code kairos run deferred-allocation}; its model is built in code ({@link Specs}). */
final class DeferredAllocationCommand implements Callable<Integer> {
    long batches = 2;
    long batchBytes = DeferredAllocation.DEFAULT_BATCH_BYTES;
    Layout layout = Layout.AOS;
    final Placement placement = new Placement(Placement.Choice.AUTO);
    String verifyOn = "same";
    boolean eager;
    boolean compareEager;
    final RuntimeOptions runtime = new RuntimeOptions();
    final TraceOption trace = new TraceOption();
    Path report;

    CommandSpec spec;

    /** The temporary traces not yet deleted; an interrupt's hook deletes them itself if the command does not in time. */
    private final List<Path> temporaries = new CopyOnWriteArrayList<>();

    /** The command's model, around a fresh command. */
    static CommandSpec spec() {
        DeferredAllocationCommand c = new DeferredAllocationCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(c).name("deferred-allocation");
        spec.usageMessage().sortOptions(false).description(
                "Realm's deferred-allocation tutorial: a chain of batches, each an instance created, written by a writer task, "
                        + "checked by a reader task and destroyed, all scheduled before anything runs. With deferred allocation an "
                        + "instance gets its bytes only when its writer can run, so the chain holds one batch of memory at a time, "
                        + "whatever the batch count.",
                "",
                "Prints what it will do, a progress bar for long runs, and a summary: batches verified, bytes written and read, "
                        + "elapsed time, batches/s, and the peak use of the chosen memory against one instance's bytes. "
                        + "Exit code 0 only when every batch verified and every file asked for was written; 1 when a batch failed "
                        + "or a trace or report could not be written; 2 for bad options, among them a --trace or --report that "
                        + "cannot be written (checked before anything runs).",
                "",
                "Interrupted (Ctrl-C, SIGTERM), it starts no further batch, finishes each trace with what ran, writes no report, "
                        + "deletes its temporary files, says on standard error how far it got, and exits 130 (SIGINT) or 143 "
                        + "(SIGTERM).",
                "");
        spec.addOption(Specs.option("--batches", long.class, () -> c.batches, v -> c.batches = v).paramLabel("N")
                .description("Number of batches (Realm's default: ${DEFAULT-VALUE}).").build());
        spec.addOption(Specs.option("--batch-bytes", long.class, () -> c.batchBytes, v -> c.batchBytes = v).paramLabel("SIZE")
                .converters(new Sizes())
                .description("Field bytes per batch; a batch has SIZE / 24 + 1 points. Default: 1M (43 691 points).").build());
        spec.addOption(Specs.option("--layout", Layout.class, () -> c.layout, v -> c.layout = v).paramLabel("aos|soa")
                .converters(new Layout.Converter())
                .description("aos: both fields interleaved per point (block size 1, Realm's choice); soa: one array per field (block size 0). "
                        + "Default: aos.").build());
        spec.addMixin("placement", c.placement.mixin());
        spec.addOption(Specs.option("--verify-on", String.class, () -> c.verifyOn, v -> c.verifyOn = v).paramLabel("same|cpu")
                .description("same: the reader checks each batch where the writer wrote it. cpu: each batch is copied to SYSTEM "
                        + "memory and checked there by the CPU reader, so a GPU's results are checked by independent code. Default: same.")
                .build());
        spec.addOption(Specs.option("--eager", boolean.class, () -> c.eager, v -> c.eager = v)
                .description("Create every instance at once, without a precondition (the naive loop): shows the memory deferral saves.")
                .build());
        spec.addOption(Specs.option("--compare-eager", boolean.class, () -> c.compareEager, v -> c.compareEager = v)
                .description("Run the deferred loop, then the eager one on a fresh runtime, and print both peaks side by side.").build());
        spec.addMixin("runtime", c.runtime.mixin());
        spec.addMixin("trace", c.trace.mixin());
        spec.addOption(Specs.option("--report", Path.class, () -> c.report, v -> c.report = v).paramLabel("FILE.html")
                .description("Write a page that needs nothing but itself (no network, no script): the summary, the memory in use over "
                        + "time (with --compare-eager, deferred and eager on one chart, peaks labelled) and the first batches on each "
                        + "processor. It is drawn from the runs' traces (--trace, or temporary ones).").build());
        Specs.addStandardHelpOptions(spec);
        c.spec = spec;
        return spec;
    }

    @Override
    public Integer call() {
        if (batches < 0) {
            throw new ParameterException(spec.commandLine(), "--batches=" + batches + " must be >= 0");
        }
        if (eager && compareEager) {
            throw new ParameterException(spec.commandLine(), "--eager and --compare-eager exclude each other: --compare-eager runs both");
        }
        checkOutputs();
        KairosConfig config = runtime.config();
        BatchBytes.check(spec, batchBytes, List.of(layout), placement, config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Past the batches already running, which end in moments, only close() may wait: the bound is its.
        Duration bound = Interruption.bound(config);
        try (Interruption interruption = Interruption.install(() -> bound, waited -> abandon(err, waited))) {
            return runAll(config, interruption.stop(), out, err);
        }
    }

    /** Refuses, before anything runs, a --trace or --report that cannot be written, or one file for two. */
    private void checkOutputs() {
        CommandLine line = spec.commandLine();
        List<Path> traces = trace.checkWritable(line, compareEager);
        if (report == null) {
            return;
        }
        OutputFile.checkWritable(line, "--report", report);
        if (!traces.isEmpty() && OutputFile.same(report, traces.getFirst())) {
            throw new ParameterException(line, "--trace and --report name the same file " + traces.getFirst()
                    + ": the report would overwrite the trace");
        }
        if (traces.size() > 1 && OutputFile.same(report, traces.get(1))) {
            throw new ParameterException(line, "--report " + report + " is the eager run's trace (beside --trace "
                    + traces.getFirst() + "): the report would overwrite it");
        }
    }

    /** The deferred run, or the eager one, or both; then the report. Returns the exit code. */
    private int runAll(KairosConfig config, Stop stop, PrintWriter out, PrintWriter err) {
        List<Traced> runs = new ArrayList<>();
        boolean reportWritten = false;
        try {
            if (!stop.requested()) {
                runs.add(runOnce(config, eager, null, stop, out));
            }
            if (compareEager && !stop.requested()) {
                out.println();
                runs.add(runOnce(config, true, "eager", stop, out));
                out.println();
                comparePeaks(runs.get(0).result(), runs.get(1).result(), out);
            }
            if (report != null && !stop.requested()) {
                writeReport(runs, out);
                reportWritten = true;
            }
        } finally {
            deleteTemporaries();
        }
        if (stop.requested()) {
            err.println(interrupted(runs, reportWritten));
            return 1;
        }
        return runs.stream().allMatch(r -> r.result().allVerified() && r.traceFailure().isEmpty()) ? 0 : 1;
    }

    /**
     * A run, the trace it wrote (null if none; a temporary one goes once the report is written), and
     * why that trace is incomplete, if it is.
     */
    private record Traced(TutorialRun.Result result, Path trace, boolean temporary, Optional<IOException> traceFailure) {}

    private void deleteTemporaries() {
        for (Path t : temporaries) {
            try {
                Files.deleteIfExists(t);
                temporaries.remove(t);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the temporary trace " + t + ": " + OutputFile.cause(e), e);
            }
        }
    }

    /** The interrupt's hook, once the command has not finished in time: what it can do alone before the JVM exits. */
    private void abandon(PrintWriter err, Duration bound) {
        for (Path t : temporaries) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException e) {
                err.println("kairos: cannot delete the temporary trace " + t + ": " + OutputFile.cause(e));
            }
        }
        err.println("kairos: interrupted, and the run had not stopped " + bound.toSeconds() + " s later: exiting without it"
                + (trace.path(null).isPresent() ? "; its trace may be incomplete" : ""));
    }

    /** One line: how far the runs got, and what became of the files asked for. */
    private String interrupted(List<Traced> runs, boolean reportWritten) {
        StringBuilder line = new StringBuilder("kairos: interrupted");
        if (runs.isEmpty()) {
            line.append(" before the run started");
        } else {
            Traced first = runs.getFirst();
            line.append(" after ").append(Sizes.group(first.result().verified())).append(" of ").append(Sizes.group(batches))
                    .append(" batches verified");
            if (compareEager) {
                line.append(" in the deferred run");
                if (runs.size() > 1) {
                    line.append(" and ").append(Sizes.group(runs.get(1).result().verified())).append(" of ")
                            .append(Sizes.group(batches)).append(" in the eager run");
                } else {
                    line.append("; eager run not started");
                }
            }
            for (Traced r : runs) {
                if (r.trace() != null && !r.temporary()) {
                    line.append("; ").append(OutputFile.interruptedTrace(r.trace(), r.traceFailure()));
                }
            }
        }
        if (report != null) {
            line.append("; report ").append(report).append(reportWritten ? " written" : " not written");
        }
        return line.toString();
    }

    private void writeReport(List<Traced> runs, PrintWriter out) {
        for (Traced r : runs) {
            if (r.traceFailure().isPresent()) {
                throw new IllegalStateException("cannot write the report " + report + ": the trace " + r.trace()
                        + " it is drawn from failed: " + OutputFile.cause(r.traceFailure().get()));
            }
        }
        List<ReportPage.Run> pages = new ArrayList<>();
        for (Traced r : runs) {
            String name = r.result().plan().eager() ? "eager" : "deferred";
            pages.add(new ReportPage.Run(name, r.result(),
                    RunTimeline.read(r.trace(), r.result().plan().memory().toString(), ReportPage.TIMELINE_SLICES)));
        }
        try {
            ReportPage.write(report, pages, "Written by kairos run deferred-allocation on Java " + Runtime.version() + ".");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + report + ": " + OutputFile.cause(e), e);
        }
        out.println("report      " + report);
        out.flush();
    }

    private void comparePeaks(TutorialRun.Result deferred, TutorialRun.Result naive, PrintWriter out) {
        long instance = deferred.plan().instanceBytes();
        out.println("Peak memory use, deferred vs eager");
        out.printf("  deferred  %s = %s instance(s)%n", Sizes.describe(deferred.memory().peakUsed()), ratio(deferred.memory().peakUsed(), instance));
        out.printf("  eager     %s = %s instance(s)%n", Sizes.describe(naive.memory().peakUsed()), ratio(naive.memory().peakUsed(), instance));
        out.flush();
    }

    /**
     * One run on a runtime of its own, traced to {@code --trace} (with {@code variant} for a second
     * run), or to a temporary file when only the report needs it.
     */
    private Traced runOnce(KairosConfig config, boolean eagerRun, String variant, Stop stop, PrintWriter out) {
        Path traceFile = trace.path(variant).orElse(null);
        boolean temporary = traceFile == null && report != null;
        if (temporary) {
            try {
                traceFile = Files.createTempFile("kairos-" + (eagerRun ? "eager" : "deferred") + "-", ".json");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary trace for the report: " + OutputFile.cause(e), e);
            }
            temporaries.add(traceFile);
        }
        KairosConfig traced = traceFile == null ? config : config.toBuilder().trace(traceFile).build();
        Traced run = runOnce(traced, eagerRun, stop, out, traceFile, temporary);
        if (traceFile != null && !temporary) {
            out.println("  trace             " + traceFile + run.traceFailure()
                    .map(e -> " " + OutputFile.incomplete(e)).orElse(""));
            out.flush();
        }
        return run;
    }

    private Traced runOnce(KairosConfig config, boolean eagerRun, Stop stop, PrintWriter out, Path traceFile, boolean temporary) {
        Kairos kairos = Kairos.start(config);
        TutorialRun.Result result;
        try (kairos) {
            Processor proc = placement.processor(kairos);
            Memory mem = placement.memory(kairos, proc);
            Plan plan = new Plan(proc, mem, batches, batchBytes, layout.blockSize(), eagerRun, chooseVerification(kairos));
            long instance = plan.instanceBytes();
            if (instance > mem.capacity()) {
                throw new ParameterException(spec.commandLine(), BatchBytes.doesNotFit(instance, mem));
            }
            out.println("Kairos deferred-allocation tutorial" + (eagerRun ? " (eager creation)" : ""));
            out.printf("  processor   %s%n", placement.describe(kairos, proc));
            out.printf("  memory      %s (%s, capacity %s)%n", mem, mem.kind(), Sizes.describe(mem.capacity()));
            out.printf("  batches     %s x one instance of %s: %s points, %s%n", Sizes.group(batches), Sizes.describe(instance),
                    Sizes.group(plan.bounds().volume()), layout.description());
            if (plan.verifyOn() != null) {
                out.printf("  verified on %s over a copy in %s%n", plan.verifyOn().processor(), plan.verifyOn().memory());
            }
            out.printf("  allocation  %s, %s%n", eagerRun ? "eager (create without precondition)" : "deferred (create waits on the previous batch)",
                    config.deferredAllocation() ? "pressure deferral on" : "pressure deferral off (-ll:defalloc 0)");
            out.flush();
            try (Progress progress = new Progress("batches", batches, "batches", System.err)) {
                result = TutorialRun.run(kairos, DeferredAllocation.register(kairos, stop), plan, progress, stop);
            }
            summarize(result, out);
        }
        return new Traced(result, traceFile, temporary, kairos.traceFailure());
    }

    private void summarize(TutorialRun.Result r, PrintWriter out) {
        Plan plan = r.plan();
        long payload = plan.bounds().volume() * 24;
        double seconds = r.ran().toNanos() / 1e9;
        MemoryStats m = r.memory();
        out.println("Summary");
        out.printf("  batches verified  %s / %s%n", Sizes.group(r.verified()), Sizes.group(plan.batches()));
        if (r.stopped()) {
            out.printf("  batches not run   %s (interrupted)%n", Sizes.group(r.notRun()));
        }
        if (r.failed() > 0) {
            out.printf("  batches failed    %s (first: batch %d: %s)%n", Sizes.group(r.failed()), r.firstFailedBatch(),
                    r.firstFailure().map(Throwable::getMessage).orElse(""));
            out.printf("  batches cancelled %s (downstream of a failure)%n", Sizes.group(r.cancelled()));
        }
        out.printf("  bytes written     %s, read %s%n", Sizes.describe(payload * r.verified()), Sizes.describe(payload * r.verified()));
        out.printf(Locale.ROOT, "  elapsed           %.3f s (scheduling the loop took %.3f s before start)%n", seconds, r.scheduled().toNanos() / 1e9);
        if (seconds > 0) {
            out.printf(Locale.ROOT, "  rate              %.1f batches/s, %.2f GB/s written+read%n", r.verified() / seconds,
                    2.0 * payload * r.verified() / seconds / 1e9);
        }
        out.printf("  peak memory use   %s = %s x one instance (%s)%n", Sizes.describe(m.peakUsed()),
                ratio(m.peakUsed(), plan.instanceBytes()), Sizes.describe(plan.instanceBytes()));
        out.printf("  allocations       %s, of which %s waited for a release; %s failed%n", Sizes.group(m.allocations()),
                Sizes.group(m.deferredAllocations()), Sizes.group(m.failedAllocations()));
        out.flush();
    }

    private static String ratio(long bytes, long instance) {
        return instance == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) bytes / instance);
    }

    private DeferredAllocation.Verification chooseVerification(Kairos kairos) {
        return switch (verifyOn.toLowerCase(Locale.ROOT)) {
            case "same" -> null;
            case "cpu" -> {
                Processor cpu = Placement.cpu(kairos);
                Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).hasAffinityTo(cpu).first()
                        .orElseThrow(() -> new IllegalStateException("--verify-on cpu, but " + cpu + " reaches no SYSTEM memory"));
                yield new DeferredAllocation.Verification(cpu, sys);
            }
            default -> throw new ParameterException(spec.commandLine(), "--verify-on=" + verifyOn + " is not one of same, cpu");
        };
    }
}
