package dev.kairos.examples;

import dev.kairos.AffineAccessor;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.TraceLabel;
import dev.kairos.UserEvent;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Realm's deferred-allocation tutorial loop on Kairos's public API, as a program of your own would
 * write it: every batch is an instance created when the batch before it is done, written by one
 * task, checked by another and destroyed after it, all scheduled before anything runs. With
 * deferred allocation the memory holds one batch at a time, however many batches there are.
 *
 * <p>Arguments: the number of batches (default 100), then optionally a file to write the run's
 * trace to (open it in ui.perfetto.dev; empty for none). Exits with 1 if a value read back was
 * wrong.
 */
public final class TutorialLoop {
    private static final int FIELD = 101; // {long x; double y;} per point
    private static final Map<Integer, Long> FIELDS = Map.of(FIELD, 16L);

    /** What the writer and the reader get: the batch and its instance. In a trace: "writer batch 3". */
    record Batch(long number, RegionInstance instance, Rect bounds) implements TraceLabel {
        @Override
        public String traceLabel() {
            return "batch " + number;
        }
    }

    public static void main(String[] args) {
        long batches = args.length > 0 ? Long.parseLong(args[0]) : 100;
        KairosConfig.Builder config = KairosConfig.builder().cpuProcessors(1);
        if (args.length > 1 && !args[1].isBlank()) {
            config.trace(Path.of(args[1]));
        }
        AtomicLong wrong = new AtomicLong();
        try (Kairos kairos = Kairos.start(config.build())) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).hasAffinityTo(cpu).first().orElseThrow();
            TaskId<Batch> writer = kairos.registerTask("writer", Batch.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> write(b)));
            TaskId<Batch> reader = kairos.registerTask("reader", Batch.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> wrong.addAndGet(check(b))));

            Rect bounds = Rect.of(0, 65_535); // 1 MiB of field data
            UserEvent start = kairos.createUserEvent();
            Event prev = start;
            for (long i = 1; i <= batches; i++) {
                RegionInstance inst = RegionInstance.create(sys, bounds, FIELDS, 1, ProfilingRequestSet.NONE, prev);
                Batch batch = new Batch(i, inst, bounds);
                Event written = cpu.spawn(writer, batch, inst.ready()); // runs once the bytes exist
                prev = cpu.spawn(reader, batch, written);
                inst.destroy(prev); // gives the bytes back after the reader
            }
            start.trigger(); // nothing was allocated until now
            prev.await();

            long instance = (bounds.volume() * 16);
            System.out.printf("%d batches, %d wrong values; peak memory use %d bytes = %.2f x one instance%n", batches,
                    wrong.get(), sys.peakUsed(), (double) sys.peakUsed() / instance);
        }
        if (wrong.get() != 0) {
            System.exit(1);
        }
    }

    private static void write(Batch b) {
        AffineAccessor f = b.instance().accessor(FIELD);
        for (long p = b.bounds().lo(); p <= b.bounds().hi(); p++) {
            f.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(p), p + b.number());
            f.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, f.offset(p) + 8, p * 0.5);
        }
    }

    private static long check(Batch b) {
        AffineAccessor f = b.instance().accessor(FIELD);
        long wrong = 0;
        for (long p = b.bounds().lo(); p <= b.bounds().hi(); p++) {
            if (f.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(p)) != p + b.number()
                    || f.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, f.offset(p) + 8) != p * 0.5) {
                wrong++;
            }
        }
        return wrong;
    }
}
