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
 * through Kairos's accessors (CPU) or the tutorial's device kernels (GPU).
 *
 * <p>The kernels of a processor kind are a {@link Kernels}, chosen in {@link Kernels#of}: the CPU
 * ones are here ({@link CpuKernels}), the GPU ones in {@link GpuKernels}.
 */
@Command(name = "bandwidth",
        header = "The tutorial's writer + reader over a large instance against a plain copy: GB/s and %% of the copy.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The deferred-allocation tutorial's writer and reader tasks over one large instance (BATCH-BYTES of field data: "
                    + "SIZE / 24 + 1 points, fields of 8 and 16 bytes), each as one task on the chosen processor, against a "
                    + "plain copy of the same number of bytes by one task on the same processor: the bandwidth the machine "
                    + "gives a single task. Each run writes first, then reads and checks, then copies, so the reader and the "
                    + "copy never run on zeros.",
            "CPU: the tutorial's CPU bodies, and MemorySegment.copy from the instance to a buffer outside Kairos; each "
                    + "task timed by the host's clock around its spawn and await.",
            "GPU (--processor gpu): the tutorial's GPU kernels over an instance in GPU_FB, and cuMemcpyAsync from the "
                    + "instance to a scratch device buffer; each timed on the device by CUDA events recorded just before and "
                    + "after its kernels or its copy, so task start-up and completion tracking are not counted. The default "
                    + "size needs --fbmem 512M.",
            "Figures per layout: writer (payload bytes written / its run), reader (payload bytes read and checked / its run), "
                    + "writer+reader (2 x payload / both runs), copy (2 x payload, read + written / its run), and writer+reader "
                    + "as a percentage of copy. AoS touches 32 bytes per 24-byte point (stride padding); SoA touches only the "
                    + "payload.",
            "",
            "Target: writer+reader at least 80 %% of the copy on a CPU, 85 %% on a GPU. Host memory on the project's "
                    + "machines, measured outside Kairos: about 30 GB/s read+write with 2 threads, 21 GB/s write-only.",
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
                    run(report, layout.toString(), metrics(kernels.targetPercent()), () -> measureOnce(kernels, batch, copy, payload));
                } finally {
                    instance.destroy().await();
                }
            }
            report.note("payload = " + Sizes.describe(payload) + " per kernel; GB = 1e9 bytes; " + proc + " (" + proc.kind()
                    + "), instance in " + mem + "; " + kernels.timing() + ".");
        }
    }

    private static List<Metric> metrics(double targetPercent) {
        return List.of(Metric.of("writer", Unit.GB_PER_S), Metric.of("reader", Unit.GB_PER_S),
                Metric.of("writer+reader", Unit.GB_PER_S), Metric.of("copy", Unit.GB_PER_S),
                Metric.of("writer+reader / copy", Unit.PERCENT).target(new Metric.Target(targetPercent)));
    }

    /** One run: the writer first, so that the reader and the copy read written values. */
    private static double[] measureOnce(Kernels kernels, Batch batch, Kernels.Copy copy, long payload) {
        long writer = kernels.writer(batch);
        long reader = kernels.reader(batch);
        long plain = copy.run();
        double writerReader = perSecond(2.0 * payload, writer + reader) / 1e9;
        double plainCopy = perSecond(2.0 * payload, plain) / 1e9;
        return new double[] {perSecond(payload, writer) / 1e9, perSecond(payload, reader) / 1e9, writerReader, plainCopy,
            100 * writerReader / plainCopy};
    }

    /** The three tasks of one processor kind, each run once per call and timed: the tutorial's writer and reader, and the plain copy. */
    interface Kernels {
        /** Runs the writer over {@code batch}; returns its time in nanoseconds. */
        long writer(Batch batch);

        /**
         * Runs the reader over {@code batch}; returns its time in nanoseconds.
         *
         * @throws dev.kairos.PoisonedEventException if a value is wrong, naming the point
         */
        long reader(Batch batch);

        /** A plain copy of {@code bytes} from the start of the batch's instance to a buffer of the same size. */
        Copy copyOf(Batch batch, long bytes);

        /** The least writer+reader / copy, in percent, that meets the target on this kind of processor. */
        double targetPercent();

        /** How the times are taken, for the report's note. */
        String timing();

        /** A copy ready to run; closing it frees the buffers it holds, if any. */
        @FunctionalInterface
        interface Copy extends AutoCloseable {
            /** Runs the copy as one task; returns its time in nanoseconds. */
            long run();

            @Override
            default void close() {}
        }

        /** The kernels for {@code proc}'s kind. */
        static Kernels of(Kairos kairos, Processor proc) {
            return switch (proc.kind()) {
                case CPU -> CpuKernels.register(kairos, proc);
                case GPU -> GpuKernels.register(kairos, proc);
                case UTILITY -> throw new IllegalStateException(proc + " (UTILITY): the bandwidth benchmark runs on a CPU or a GPU");
            };
        }
    }

    /** The tutorial's CPU bodies and {@link MemorySegment#copy}, each timed by the host's clock around its task. */
    record CpuKernels(Processor proc, TaskId<Batch> writerTask, TaskId<Batch> readerTask, TaskId<Buffers> copyTask)
            implements Kernels {
        /** What the copy task moves: all of {@code source} into {@code destination}. */
        record Buffers(MemorySegment source, MemorySegment destination) {}

        static CpuKernels register(Kairos kairos, Processor proc) {
            DeferredAllocation.Tasks tutorial = DeferredAllocation.register(kairos);
            TaskId<Buffers> copy = kairos.registerTask("plain-copy", Buffers.class, TaskVariant.on(ProcessorKind.CPU,
                    (ctx, c) -> MemorySegment.copy(c.source(), 0, c.destination(), 0, c.destination().byteSize())));
            return new CpuKernels(proc, tutorial.writer(), tutorial.reader(), copy);
        }

        @Override
        public long writer(Batch batch) {
            return timed(writerTask, batch);
        }

        @Override
        public long reader(Batch batch) {
            return timed(readerTask, batch);
        }

        /** Into a fresh buffer outside Kairos, touched once, here. */
        @Override
        public Copy copyOf(Batch batch, long bytes) {
            MemorySegment source = batch.instance().accessor(DeferredAllocation.FIELD_INT_FLOAT).segment();
            Arena arena = Arena.ofShared();
            Buffers buffers = new Buffers(source.asSlice(0, bytes), arena.allocate(bytes, 64));
            return new Copy() {
                @Override
                public long run() {
                    return timed(copyTask, buffers);
                }

                @Override
                public void close() {
                    arena.close();
                }
            };
        }

        @Override
        public double targetPercent() {
            return 80;
        }

        @Override
        public String timing() {
            return "times by the host's clock around each task's spawn and await";
        }

        private <A> long timed(TaskId<A> task, A args) {
            long start = System.nanoTime();
            proc.spawn(task, args).await();
            return System.nanoTime() - start;
        }
    }
}
