package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.cli.BatchBytes;
import dev.kairos.cli.Layout;
import dev.kairos.cli.Placement;
import dev.kairos.cli.Sizes;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.TutorialRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The deferred-allocation tutorial, deferred against eager, each on its own runtime so that each
 * memory's peak is the peak of its own loop. The two loops alternate run by run, so drift of the
 * machine hits both alike.
 */
@Command(name = "pipeline",
        header = "The deferred-allocation tutorial, deferred vs eager: batches/s, GB/s and peak memory use.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Realm's deferred-allocation tutorial with BATCHES batches of BATCH-BYTES field bytes (instance, writer task, "
                    + "reader task that verifies every value, destroy), all scheduled before anything runs:",
            "  deferred  each create waits on the previous batch: one instance's bytes at a time.",
            "  eager     every instance created at once, without a precondition (the naive loop); the writer waits for the "
                    + "previous batch. Over capacity, creates are accepted against earlier destroys and wait for them.",
            "Each runs on its own runtime (same options); the two alternate, run by run. Figures: batches/s and GB/s written+"
                    + "read (2 x 24 bytes per point, from the trigger of the loop to its last reader; scheduling is not timed), "
                    + "the memory's peak use (bytes and in instances), and deferred / eager batches/s.",
            "",
            "Targets: deferred within 10 %% of eager (ratio >= 90 %%); deferred peak exactly one instance, for any batch count. "
                    + "Realm: the tutorial with 2 batches takes 0.20-0.27 s as a whole process (no per-batch figure).",
            ""
        })
final class PipelineBench extends BenchCommand.Benchmark {
    @Option(names = "--batches", paramLabel = "N", description = "Batches per run. Default: ${DEFAULT-VALUE}.")
    long batches = 1_000;

    @Option(names = "--batch-bytes", paramLabel = "SIZE", converter = Sizes.class,
            description = "Field bytes per batch; a batch has SIZE / 24 + 1 points (Realm's tutorial: 1M). Default: 1M.")
    long batchBytes = DeferredAllocation.DEFAULT_BATCH_BYTES;

    @Option(names = "--layout", paramLabel = "aos|soa", converter = Layout.Converter.class,
            description = "Instance layout: aos (block size 1, Realm's choice) or soa. Default: ${DEFAULT-VALUE}.")
    Layout layout = Layout.AOS;

    final Placement placement = new Placement(Placement.Choice.CPU);

    @Mixin
    CommandSpec placementOptions = placement.mixin();

    PipelineBench() {
        super(true);
    }

    @Override
    String title() {
        return Sizes.group(batches) + " batches of " + Sizes.describe(batchBytes) + ", deferred vs eager allocation";
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batches", batches);
        p.put("batchBytes", batchBytes);
        p.put("layout", layout.toString());
        p.put("processor", placement.processorName());
        p.put("memory", placement.memoryName());
        p.put("cpus", config().cpuProcessors());
        return p;
    }

    @Override
    void checkParameters() {
        if (batches < 1) {
            throw bad("--batches=" + batches + " must be >= 1");
        }
        BatchBytes.check(spec, batchBytes, List.of(layout), placement, config());
    }

    @Override
    void measure(Report report) throws Exception {
        try (Kairos deferredRuntime = startRuntime(); Kairos eagerRuntime = startRuntime("eager")) {
            Lane deferred = new Lane(deferredRuntime, false);
            Lane eager = new Lane(eagerRuntime, true);
            List<double[]> runs = repeat("deferred+eager", 9, () -> {
                double[] d = deferred.run();
                double[] e = eager.run();
                return new double[] {d[0], d[1], d[2], d[3], e[0], e[1], e[2], e[3], 100 * d[0] / e[0]};
            });
            report.add("deferred", lane(true), columns(runs, 0, 4));
            report.add("eager", lane(false), columns(runs, 4, 8));
            report.add("deferred/eager", List.of(Metric.of("batches/s", Unit.PERCENT).target(new Metric.Target(90))),
                    columns(runs, 8, 9));
            report.note("one instance = " + Sizes.describe(deferred.plan.instanceBytes()) + " (" + layout + ", "
                    + Sizes.group(deferred.plan.bounds().volume()) + " points) in " + deferred.plan.memory() + ", capacity "
                    + Sizes.describe(deferred.plan.memory().capacity()) + "; peak = the memory's peak use over every run so far.");
        }
    }

    private static List<Metric> lane(boolean deferred) {
        Metric peakInstances = Metric.of("peak", Unit.INSTANCES);
        return List.of(Metric.of("rate", Unit.rate("batches")), Metric.of("written+read", Unit.GB_PER_S),
                Metric.of("peak", Unit.BYTES), deferred ? peakInstances.target(new Metric.Target(1.0)) : peakInstances);
    }

    /** One runtime running one of the two loops again and again. */
    private final class Lane {
        private final Kairos kairos;
        private final Plan plan;
        private final DeferredAllocation.Tasks tasks;

        Lane(Kairos kairos, boolean eager) {
            this.kairos = kairos;
            Processor proc = placement.processor(kairos);
            Memory mem = placement.memory(kairos, proc);
            this.tasks = DeferredAllocation.register(kairos);
            if (!tasks.writer().hasVariant(proc.kind())) {
                throw new IllegalStateException(proc + " (" + proc.kind() + "): the tutorial's writer and reader have no "
                        + proc.kind() + " variant in this build; use --processor cpu");
            }
            this.plan = new Plan(proc, mem, batches, batchBytes, layout.blockSize(), eager);
            if (plan.instanceBytes() > mem.capacity()) {
                throw bad(BatchBytes.doesNotFit(plan.instanceBytes(), mem));
            }
        }

        /** batches/s, GB/s written+read, peak bytes, peak in instances. */
        double[] run() {
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan, done -> {});
            if (!r.allVerified()) {
                throw new IllegalStateException((plan.eager() ? "eager" : "deferred") + " loop: " + r.verified() + " of "
                        + plan.batches() + " batches verified; first failure in batch " + r.firstFailedBatch() + ": "
                        + r.firstFailure().map(Throwable::getMessage).orElse("?"));
            }
            long nanos = r.ran().toNanos();
            double bytes = 2.0 * 24 * plan.bounds().volume() * r.verified();
            long peak = r.memory().peakUsed();
            return new double[] {perSecond(r.verified(), nanos), perSecond(bytes, nanos) / 1e9, peak,
                (double) peak / plan.instanceBytes()};
        }
    }
}
