package dev.kairos.snippets;

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
import dev.kairos.UserEvent;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * Realm's deferred-allocation tutorial loop as the API overview ({@code dev/kairos/package-info.java})
 * shows it. Javadoc renders the regions {@code start} and {@code loop} of this file (core's pom
 * gives javadoc {@code --snippet-path src/test/java}); {@code TutorialLoopSnippetTest} runs the loop
 * on core's test backend and {@code TutorialLoopSnippetOnCpuTest} (kairos-cpu) runs {@link #start},
 * so the overview cannot show code that does not compile or does not work.
 *
 * <p>The fields and values are the tutorial's: field 101 is {@code {int x; float y;}}, field 102
 * {@code {long x; double y;}}; the writer stores {@code p + 1, p + 2} and {@code p + 2, p + 3} at
 * every point {@code p}, and the reader checks exactly those.
 */
public final class TutorialLoopSnippet {
    private TutorialLoopSnippet() {}

    /** What the writer and the reader of one batch get. */
    record Batch(int number, RegionInstance instance, Rect bounds) {}

    /** The loop on a runtime with every backend on the class path, as a program starts one. */
    public static void start(int batches) {
        // @start region=start
        KairosConfig config = KairosConfig.builder().cpuProcessors(1).build();
        try (Kairos kairos = Kairos.start(config)) {   // with every backend on the class path
            tutorialLoop(kairos, batches);
        }                                               // close() waits for what is outstanding, then frees all memory
        // @end
    }

    /**
     * {@code batches} batches of 1 MiB of field data, each created when the one before it has been
     * read, all scheduled before anything runs.
     *
     * @throws dev.kairos.PoisonedEventException if a reader found a wrong value (its cause says which)
     */
    public static void tutorialLoop(Kairos kairos, int batches) {
        // @start region=loop
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).hasAffinityTo(cpu).first().orElseThrow();
        TaskId<Batch> writer = kairos.registerTask("writer", Batch.class,   // one body per processor kind:
                TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> write(b)));     // a GPU variant may sit beside it
        TaskId<Batch> reader = kairos.registerTask("reader", Batch.class,
                TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> verify(b)));

        Rect bounds = Rect.of(0, 43_690);                                   // 1 MiB of field data
        Map<Integer, Long> fields = Map.of(101, 8L, 102, 16L);              // {int x; float y;} and {long x; double y;}
        UserEvent start = kairos.createUserEvent();
        Event prev = start;
        for (int i = 0; i < batches; i++) {
            RegionInstance inst = RegionInstance.create(sys, bounds, fields, 1, ProfilingRequestSet.NONE, prev);
            Batch batch = new Batch(i, inst, bounds);
            Event written = cpu.spawn(writer, batch, inst.ready());        // runs once the bytes exist
            prev = cpu.spawn(reader, batch, written);
            inst.destroy(prev);                                             // gives the bytes back after the reader
        }
        start.trigger();                                                    // nothing was allocated until now
        prev.await();                                                       // throws if a reader found a wrong value
        // @end
    }

    private static void write(Batch b) {
        AffineAccessor a = b.instance().accessor(101);
        AffineAccessor c = b.instance().accessor(102);
        for (long p = b.bounds().lo(); p <= b.bounds().hi(); p++) {
            a.segment().set(ValueLayout.JAVA_INT, a.offset(p), (int) (p + 1));
            a.segment().set(ValueLayout.JAVA_FLOAT, a.offset(p) + 4, (float) (p + 2));
            c.segment().set(ValueLayout.JAVA_LONG, c.offset(p), p + 2);
            c.segment().set(ValueLayout.JAVA_DOUBLE, c.offset(p) + 8, (double) (p + 3));
        }
    }

    private static void verify(Batch b) {
        AffineAccessor a = b.instance().accessor(101);
        AffineAccessor c = b.instance().accessor(102);
        for (long p = b.bounds().lo(); p <= b.bounds().hi(); p++) {
            check(b, 101, "x", p, p + 1, a.segment().get(ValueLayout.JAVA_INT, a.offset(p)));
            check(b, 101, "y", p, (float) (p + 2), a.segment().get(ValueLayout.JAVA_FLOAT, a.offset(p) + 4));
            check(b, 102, "x", p, p + 2, c.segment().get(ValueLayout.JAVA_LONG, c.offset(p)));
            check(b, 102, "y", p, (double) (p + 3), c.segment().get(ValueLayout.JAVA_DOUBLE, c.offset(p) + 8));
        }
    }

    private static void check(Batch b, int field, String member, long point, double expected, double found) {
        if (expected != found) {
            throw new IllegalStateException("batch " + b.number() + " field " + field + "." + member + " point " + point
                    + ": expected=" + expected + " found=" + found);
        }
    }
}
