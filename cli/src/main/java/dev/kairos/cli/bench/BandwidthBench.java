package dev.kairos.cli.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.cli.BatchBytes;
import dev.kairos.cli.Layout;
import dev.kairos.cli.Placement;
import dev.kairos.cli.Sizes;
import dev.kairos.cli.Typed;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The tutorial's writer and reader over one large instance, each held against the plain pass that
 * moves the same bytes on the same processor: the writer against a write-only fill, the reader
 * against a read-only pass, the two together against a copy. How much of the bandwidth a single
 * task gets the kernels reach through Kairos's accessors (CPU) or the tutorial's device kernels (GPU).
 *
 * <p>Every figure counts the bytes its side really moves: the instance's bytes, which for AoS are 32
 * per point (two fields of 8 and 16 bytes and 8 of stride padding, all in the cache lines written and
 * read) and for SoA 24 per point. Counting the writer in field bytes against a copy counted in copied
 * bytes, as this benchmark first did, held AoS to 75 % of the copy before any work was timed.
 *
 * <p>The kernels of a processor kind are a {@link Kernels}, chosen in {@link Kernels#of}: the CPU
 * ones are here ({@link CpuKernels}), the GPU ones in {@link GpuKernels}.
 */
@Command(name = "bandwidth",
        header = "The tutorial's writer and reader over a large instance against a fill, a read pass and a copy of the same bytes.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "The deferred-allocation tutorial's writer and reader tasks over one large instance (BATCH-BYTES of field data: "
                    + "SIZE / 24 + 1 points, fields of 8 and 16 bytes), each as one task on the chosen processor, against "
                    + "plain passes over the same bytes by one task each on the same processor: the bandwidth the machine "
                    + "gives a single task. Each run writes, reads and checks, then runs the plain passes, so the reader never "
                    + "runs on zeros.",
            "Bytes: what each side really moves, the instance's bytes: 32 per point for AoS (8 of them stride padding, in "
                    + "the same cache lines), 24 for SoA.",
            "CPU: the tutorial's CPU bodies; a write-only fill (MemorySegment.fill), a read-only pass (a loop summing longs) "
                    + "and a copy (MemorySegment.copy into a buffer outside Kairos) of the instance's bytes; each task timed by "
                    + "the host's clock around its spawn and await.",
            "GPU (--processor gpu): the tutorial's GPU kernels over an instance in GPU_FB, and cuMemcpyAsync of the "
                    + "instance's bytes to a scratch device buffer; each timed on the device by CUDA events recorded just before "
                    + "and after its kernels or its copy, so task start-up and completion tracking are not counted. No fill or "
                    + "read pass on a GPU. Unless --fbmem is given, GPU_FB memory is sized to the instance (342 MiB at the "
                    + "default size; the instance is all it holds).",
            "Figures per layout, in GB/s of bytes moved: writer and fill, and writer / fill; reader and read pass, and reader / "
                    + "read; writer+reader (2 x bytes / both runs) and copy (2 x bytes, read + written / its run), and "
                    + "writer+reader / copy; on a CPU also fill+read (2 x bytes / both plain passes), fill+read / copy and "
                    + "writer+reader / fill+read.",
            "Why fill+read: a copy reads and writes in one pass, its loads and stores in flight together; a writer, then "
                    + "a reader, are two passes of one kind each. A Java loop with ordinary stores that reads one buffer while it "
                    + "writes another reaches 80-99 %% of the copy, and non-temporal stores write no faster than a fill, on the "
                    + "machine measured (docs/PERFORMANCE.md, the eleventh round): the copy's edge is that overlap, which a "
                    + "reader that needs the writer's values cannot have. fill+read / copy is what the plain fill and the plain one-stream read reach "
                    + "together against the copy on this machine in this run (a read interleaving several streams goes "
                    + "faster: see docs/PERFORMANCE.md, the sixth round); writer+reader / fill+read holds the tutorial's "
                    + "pair to that pair of plain passes over the same bytes.",
            "",
            "Targets: on a CPU each of writer / fill, reader / read, writer+reader / copy and writer+reader / fill+read at "
                    + "least 80 %%; on a GPU writer+reader / copy at least 85 %%.",
            ""
        })
final class BandwidthBench extends BenchCommand.Benchmark {
    @Option(names = "--batch-bytes", paramLabel = "SIZE", converter = Sizes.class,
            description = "Field bytes of the instance. Default: 256M.")
    long batchBytes = 256L << 20;

    @Option(names = "--layout", paramLabel = "aos|soa", converter = Layout.Converter.class, split = ",",
            description = "Layouts to measure, each its own case. Default: aos,soa.")
    Layout[] layouts = {Layout.AOS, Layout.SOA};

    final Placement placement = new Placement(Placement.Choice.CPU);

    @Mixin
    CommandSpec placementOptions = placement.mixin();

    @Override
    String title() {
        return "the tutorial's writer and reader over " + Sizes.describe(batchBytes) + " of fields against plain passes over the same bytes, on "
                + placement.processorName();
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batchBytes", batchBytes);
        p.put("layouts", Arrays.stream(layouts).map(Layout::toString).toList());
        p.put("processor", placement.processorName());
        p.put("memory", placement.memoryName());
        if (BatchBytes.memories(placement, config()).contains(MemoryKind.GPU_FB)) {
            p.put("fbmem", config().gpuFramebufferMemory());
        }
        return p;
    }

    @Override
    void checkParameters() {
        if (batchBytes < 24) {
            throw bad("--batch-bytes=" + typed("--batch-bytes", batchBytes) + " must be >= 24 (one point)");
        }
        for (int i = 0; i < layouts.length; i++) {
            for (int j = 0; j < i; j++) {
                if (layouts[i] == layouts[j]) {
                    throw bad("--layout names " + layouts[i] + " twice: each layout is one case, measured once; name it once");
                }
            }
        }
        BatchBytes.check(spec, batchBytes, List.of(layouts), placement, config());
    }

    /**
     * Without {@code --fbmem}, GPU_FB memory is sized to the largest instance, whole MiB, where the
     * instance may go there: it is all that memory holds, and the default size (256 MiB) holds no
     * instance of the default batch (341 MiB in AoS). A batch above {@link BatchBytes#MAX} has no
     * size; {@link #checkParameters} refuses it.
     */
    @Override
    KairosConfig configure(KairosConfig options) {
        if (Typed.value(spec.findOption("--fbmem")).isPresent()
                || !BatchBytes.memories(placement, options).contains(MemoryKind.GPU_FB) || batchBytes > BatchBytes.MAX) {
            return options;
        }
        long largest = Arrays.stream(layouts).mapToLong(layout -> BatchBytes.instanceBytes(batchBytes, layout)).max().orElseThrow();
        long mib = 1L << 20;
        return options.toBuilder().gpuFramebufferMemory((largest + mib - 1) / mib * mib).build();
    }

    @Override
    void measure(Report report) throws Exception {
        try (Kairos kairos = startRuntime()) {
            Processor proc = placement.processor(kairos);
            Memory mem = placement.memory(kairos, proc);
            Kernels kernels = Kernels.of(kairos, proc);
            List<String> moved = new ArrayList<>();
            for (Layout layout : layouts) {
                if (stopped(layout.toString())) {
                    continue; // an instance and buffers of the batch's size that no run will use would only delay the table
                }
                DeferredAllocation.Plan plan = new DeferredAllocation.Plan(proc, mem, 1, batchBytes, layout.blockSize(), false);
                long bytes = plan.instanceBytes();
                if (bytes > mem.capacity()) {
                    throw bad(BatchBytes.doesNotFit(bytes, mem));
                }
                RegionInstance instance = RegionInstance.create(mem, plan.bounds(), DeferredAllocation.FIELD_SIZES,
                        layout.blockSize(), Event.NO_EVENT);
                instance.ready().await();
                Batch batch = new Batch(0, instance, plan.bounds());
                Kernels.Yardsticks yardsticks = kernels.yardsticks(batch, bytes);
                try (Kernels.Copy copy = kernels.copyOf(batch, bytes)) {
                    run(report, layout.toString(), metrics(kernels.targetPercent(), yardsticks != null),
                            () -> measureOnce(kernels, batch, yardsticks, copy, bytes));
                } finally {
                    instance.destroy().await();
                }
                moved.add(layout + " " + Sizes.describe(bytes));
            }
            report.note("bytes moved per pass: " + String.join(", ", moved) + " (payload " + Sizes.describe(24 * DeferredAllocation.bounds(batchBytes).volume())
                    + "); GB = 1e9 bytes; " + proc + " (" + proc.kind() + "), instance in " + mem + "; " + kernels.timing() + ".");
        }
    }

    private static List<Metric> metrics(double targetPercent, boolean yardsticks) {
        Metric.Target target = new Metric.Target(targetPercent);
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.of("writer", Unit.GB_PER_S));
        if (yardsticks) {
            metrics.add(Metric.of("fill", Unit.GB_PER_S));
            metrics.add(Metric.of("writer / fill", Unit.PERCENT).target(target));
        }
        metrics.add(Metric.of("reader", Unit.GB_PER_S));
        if (yardsticks) {
            metrics.add(Metric.of("read", Unit.GB_PER_S));
            metrics.add(Metric.of("reader / read", Unit.PERCENT).target(target));
        }
        metrics.add(Metric.of("writer+reader", Unit.GB_PER_S));
        metrics.add(Metric.of("copy", Unit.GB_PER_S));
        metrics.add(Metric.of("writer+reader / copy", Unit.PERCENT).target(target));
        if (yardsticks) {
            metrics.add(Metric.of("fill+read", Unit.GB_PER_S));
            metrics.add(Metric.of("fill+read / copy", Unit.PERCENT));
            metrics.add(Metric.of("writer+reader / fill+read", Unit.PERCENT).target(target));
        }
        return metrics;
    }

    /**
     * One run, in the order of {@link #metrics}: the writer first, so that the reader reads written
     * values; the fill last, since it overwrites them (the next run's writer writes them again).
     */
    private static double[] measureOnce(Kernels kernels, Batch batch, Kernels.Yardsticks yardsticks, Kernels.Copy copy,
            long bytes) {
        long writer = kernels.writer(batch);
        long reader = kernels.reader(batch);
        long plain = copy.run();
        double writerReader = perSecond(2.0 * bytes, writer + reader) / 1e9;
        double plainCopy = perSecond(2.0 * bytes, plain) / 1e9;
        if (yardsticks == null) {
            return new double[] {perSecond(bytes, writer) / 1e9, perSecond(bytes, reader) / 1e9, writerReader, plainCopy,
                100 * writerReader / plainCopy};
        }
        long read = yardsticks.read();
        long fill = yardsticks.fill();
        double fillRead = perSecond(2.0 * bytes, fill + read) / 1e9;
        return new double[] {perSecond(bytes, writer) / 1e9, perSecond(bytes, fill) / 1e9, 100.0 * fill / writer,
            perSecond(bytes, reader) / 1e9, perSecond(bytes, read) / 1e9, 100.0 * read / reader,
            writerReader, plainCopy, 100 * writerReader / plainCopy, fillRead, 100 * fillRead / plainCopy,
            100.0 * (fill + read) / (writer + reader)};
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

        /**
         * A write-only fill and a read-only pass over the first {@code bytes} of the batch's instance,
         * or null where this kind of processor has none.
         */
        default Yardsticks yardsticks(Batch batch, long bytes) {
            return null;
        }

        /** The least writer+reader / copy, in percent, that meets the target on this kind of processor. */
        double targetPercent();

        /** How the times are taken, for the report's note. */
        String timing();

        /** The plain one-way passes over an instance's bytes, each run as one task and timed, in nanoseconds. */
        interface Yardsticks {
            /** Writes every byte, reading none. */
            long fill();

            /** Reads every byte, writing none. */
            long read();
        }

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

    /**
     * The tutorial's CPU bodies, and the plain passes: {@link MemorySegment#fill}, a loop summing
     * longs, {@link MemorySegment#copy}; each timed by the host's clock around its task.
     */
    record CpuKernels(Processor proc, TaskId<Batch> writerTask, TaskId<Batch> readerTask, TaskId<Buffers> copyTask,
            TaskId<MemorySegment> fillTask, TaskId<Sum> readTask) implements Kernels {
        /** What the copy task moves: all of {@code source} into {@code destination}. */
        record Buffers(MemorySegment source, MemorySegment destination) {}

        /** The read pass's bytes, and where it leaves their sum, so that the JIT cannot drop the loads. */
        static final class Sum {
            final MemorySegment bytes;
            long result;

            Sum(MemorySegment bytes) {
                this.bytes = bytes;
            }
        }

        static CpuKernels register(Kairos kairos, Processor proc) {
            DeferredAllocation.Tasks tutorial = DeferredAllocation.register(kairos);
            TaskId<Buffers> copy = kairos.registerTask("plain-copy", Buffers.class, TaskVariant.on(ProcessorKind.CPU,
                    (ctx, c) -> MemorySegment.copy(c.source(), 0, c.destination(), 0, c.destination().byteSize())));
            TaskId<MemorySegment> fill = kairos.registerTask("plain-fill", MemorySegment.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, bytes) -> bytes.fill((byte) 0x5A)));
            TaskId<Sum> read = kairos.registerTask("plain-read", Sum.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, sum) -> sum.result = sum(sum.bytes)));
            return new CpuKernels(proc, tutorial.writer(), tutorial.reader(), copy, fill, read);
        }

        private static long sum(MemorySegment bytes) {
            long sum = 0;
            long end = bytes.byteSize() & -8L;
            for (long at = 0; at < end; at += 8) {
                sum += bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
            }
            return sum;
        }

        @Override
        public Yardsticks yardsticks(Batch batch, long bytes) {
            MemorySegment instance = batch.instance().accessor(DeferredAllocation.FIELD_INT_FLOAT).segment().asSlice(0, bytes);
            Sum sum = new Sum(instance);
            return new Yardsticks() {
                @Override
                public long fill() {
                    return timed(fillTask, instance);
                }

                @Override
                public long read() {
                    return timed(readTask, sum);
                }
            };
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
