package dev.kairos.cli.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.cli.Placement;
import dev.kairos.cli.Sizes;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The tutorial's writer and reader over one large instance, against a plain copy of the same
 * number of bytes on the same processor: how much of the memory bandwidth the kernels reach
 * through Kairos's accessors.
 *
 * <p>The kernels of a processor kind are a {@link Kernels}: the CPU ones are here; a GPU path plugs
 * in as another implementation, chosen in {@link Kernels#of}.
 */
@Command(name = "bandwidth",
        header = "The tutorial's writer + reader over a large instance against a plain copy: GB/s and %% of the copy.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The deferred-allocation tutorial's writer and reader tasks over one large instance (BATCH-BYTES of field data: "
                    + "SIZE / 24 + 1 points, fields of 8 and 16 bytes), each as one task on the chosen processor, against a "
                    + "plain copy of the same number of bytes by one task on the same processor (MemorySegment.copy from the "
                    + "instance to a buffer outside Kairos on the CPU): the bandwidth the machine gives a single task.",
            "Figures per layout: writer (payload bytes written / its run), reader (payload bytes read and checked / its run), "
                    + "writer+reader (2 x payload / both runs), copy (2 x payload, read + written / its run), and writer+reader "
                    + "as a percentage of copy. AoS touches 32 bytes per 24-byte point (stride padding); SoA touches only the "
                    + "payload.",
            "",
            "Target (CPU): writer+reader at least 80 %% of the copy. Host memory on the project's machines, measured outside "
                    + "Kairos: about 30 GB/s read+write with 2 threads, 21 GB/s write-only. --processor gpu: the GPU path "
                    + "(device kernels, CUDA events, >= 85 %% of the device's copy) plugs in here once the CUDA backend has one.",
            ""
        })
final class BandwidthBench extends BenchmarkCommand {
    @Option(names = "--batch-bytes", paramLabel = "SIZE", converter = Sizes.class,
            description = "Field bytes of the instance. Default: 256M.")
    long batchBytes = 256L << 20;

    @Option(names = "--layout", paramLabel = "aos|soa", converter = Layout.Converter.class, split = ",",
            description = "Layouts to measure, each its own case. Default: aos,soa.")
    Layout[] layouts = {Layout.AOS, Layout.SOA};

    @Mixin
    Placement placement = new Placement(Placement.Choice.CPU);

    @Override
    String title() {
        return "writer+reader over " + Sizes.describe(batchBytes) + " against a plain copy, on " + placement.processorName();
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batchBytes", batchBytes);
        p.put("layouts", Arrays.toString(layouts));
        p.put("processor", placement.processorName());
        p.put("memory", placement.memoryName());
        return p;
    }

    @Override
    void checkParameters() {
        if (batchBytes < 24) {
            throw bad("--batch-bytes=" + batchBytes + " must be >= 24 (one point)");
        }
    }

    @Override
    void measure(Report report) throws Exception {
        try (Kairos kairos = startRuntime()) {
            Processor proc = placement.processor(kairos);
            Memory mem = placement.memory(kairos, proc);
            Kernels kernels = Kernels.of(kairos, proc);
            long payload = 24 * DeferredAllocation.bounds(batchBytes).volume();
            for (Layout layout : layouts) {
                DeferredAllocation.Plan plan = new DeferredAllocation.Plan(proc, mem, 1, batchBytes, layout.blockSize, false);
                if (plan.instanceBytes() > mem.capacity()) {
                    throw bad("the instance (" + Sizes.describe(plan.instanceBytes()) + ", " + layout + ") does not fit in " + mem
                            + " (capacity " + Sizes.describe(mem.capacity()) + "): raise the memory size or lower --batch-bytes");
                }
                RegionInstance instance = RegionInstance.create(mem, plan.bounds(), DeferredAllocation.FIELD_SIZES,
                        layout.blockSize, Event.NO_EVENT);
                instance.ready().await();
                Batch batch = new Batch(0, instance, plan.bounds());
                try (Kernels.Copy copy = kernels.copyOf(batch, payload)) {
                    run(report, layout.toString(), metrics(), () -> measureOnce(proc, kernels, batch, copy, payload));
                } finally {
                    instance.destroy().await();
                }
            }
            report.note("payload = " + Sizes.describe(payload) + " per kernel; GB = 1e9 bytes; " + proc + " (" + proc.kind()
                    + "), instance in " + mem + ".");
        }
    }

    private static List<Metric> metrics() {
        return List.of(Metric.of("writer", Unit.GB_PER_S), Metric.of("reader", Unit.GB_PER_S),
                Metric.of("writer+reader", Unit.GB_PER_S), Metric.of("copy", Unit.GB_PER_S),
                Metric.of("writer+reader / copy", Unit.PERCENT).target(new Metric.Target(80)));
    }

    private static double[] measureOnce(Processor proc, Kernels kernels, Batch batch, Kernels.Copy copy, long payload) {
        long t0 = System.nanoTime();
        proc.spawn(kernels.writer(), batch).await();
        long t1 = System.nanoTime();
        proc.spawn(kernels.reader(), batch).await();
        long t2 = System.nanoTime();
        proc.spawn(kernels.copy(), copy).await();
        long t3 = System.nanoTime();
        double writerReader = perSecond(2.0 * payload, t2 - t0) / 1e9;
        double plainCopy = perSecond(2.0 * payload, t3 - t2) / 1e9;
        return new double[] {perSecond(payload, t1 - t0) / 1e9, perSecond(payload, t2 - t1) / 1e9, writerReader, plainCopy,
            100 * writerReader / plainCopy};
    }

    /** The three tasks of one processor kind: the tutorial's writer and reader, and the plain copy. */
    record Kernels(TaskId<Batch> writer, TaskId<Batch> reader, TaskId<Copy> copy) {

        /** What a copy task moves: {@code bytes} from the start of an instance to a buffer of the same size. */
        record Copy(MemorySegment source, MemorySegment destination, Arena arena) implements AutoCloseable {
            @Override
            public void close() {
                arena.close();
            }
        }

        /**
         * The kernels for {@code proc}'s kind.
         *
         * @throws IllegalStateException for a kind with no bandwidth path yet, saying so
         */
        static Kernels of(Kairos kairos, Processor proc) {
            if (proc.kind() != ProcessorKind.CPU) {
                throw new IllegalStateException(proc + " (" + proc.kind() + "): the bandwidth benchmark has a CPU path only; "
                        + "the GPU path needs device kernels launched through the CUDA backend's task context");
            }
            DeferredAllocation.Tasks tutorial = DeferredAllocation.register(kairos);
            TaskId<Copy> copy = kairos.registerTask("plain-copy", Copy.class, TaskVariant.on(ProcessorKind.CPU,
                    (ctx, c) -> MemorySegment.copy(c.source(), 0, c.destination(), 0, c.destination().byteSize())));
            return new Kernels(tutorial.writer(), tutorial.reader(), copy);
        }

        /** A copy of {@code bytes} from the start of the batch's instance into a fresh buffer (touched once, here). */
        Copy copyOf(Batch batch, long bytes) {
            MemorySegment source = batch.instance().accessor(DeferredAllocation.FIELD_INT_FLOAT).segment();
            Arena arena = Arena.ofShared();
            return new Copy(source.asSlice(0, bytes), arena.allocate(bytes, 64), arena);
        }
    }
}
