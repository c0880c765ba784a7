package dev.kairos.tutorials;

import dev.kairos.AffineAccessor;
import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Realm's deferred-allocation tutorial on Kairos: a chain of batches, each an instance written by a
 * writer task, checked by a reader task and destroyed after it, all scheduled before anything runs.
 *
 * <p>Field 101 holds {@code {int x; float y;}} and field 102 {@code {long x; double y;}}; for point p
 * the writer stores x = p + 1, y = p + 2 in field 101 and x = p + 2, y = p + 3 in field 102, and the
 * reader checks exactly those values.
 *
 * {@snippet :
 * UserEvent start = kairos.createUserEvent();
 * Event prev = start;
 * for (long i = 0; i < batches; i++) {
 *     RegionInstance inst = RegionInstance.create(memory, bounds, FIELD_SIZES, 1, ProfilingRequestSet.NONE, prev);
 *     Batch batch = new Batch(i, inst, bounds);
 *     Event written = processor.spawn(tasks.writer(), batch, inst.ready());
 *     prev = processor.spawn(tasks.reader(), batch, written);
 *     inst.destroy(prev);
 * }
 * start.trigger();
 * prev.await();
 * }
 */
public final class DeferredAllocation {
    /** Field id of {@code {int x; float y;}}. */
    public static final int FIELD_INT_FLOAT = 101;
    /** Field id of {@code {long x; double y;}}. */
    public static final int FIELD_LONG_DOUBLE = 102;
    /** Both fields, with their sizes in bytes. */
    public static final Map<Integer, Long> FIELD_SIZES = Map.of(FIELD_INT_FLOAT, 8L, FIELD_LONG_DOUBLE, 16L);
    /** Realm's default batch: 1 MiB of field data. */
    public static final long DEFAULT_BATCH_BYTES = 1L << 20;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private DeferredAllocation() {}

    /** The points of one batch: {@code [0, batchBytes / 24]}, as in Realm (43 690 for 1 MiB). */
    public static Rect bounds(long batchBytes) {
        if (batchBytes < 0) {
            throw new IllegalArgumentException("batchBytes=" + batchBytes + " must be >= 0");
        }
        return Rect.of(0, batchBytes / (8 + 16));
    }

    /** The arguments of the writer and reader: which batch (0-based), its instance and its points. */
    public record Batch(long index, RegionInstance instance, Rect bounds) {
        /** The batch's number as people count: 1 for the first. */
        public long number() {
            return index + 1;
        }
    }

    /** The two registered tasks. */
    public record Tasks(TaskId<Batch> writer, TaskId<Batch> reader) {}

    /** Registers the writer and reader with their CPU and GPU variants. */
    public static Tasks register(Kairos kairos) {
        return register(kairos,
                List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> write(b)), GpuVariants.writer()),
                List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> verify(b)), GpuVariants.reader()));
    }

    /** Registers the writer and reader with the given variants (a backend adds its own). */
    @SuppressWarnings("unchecked")
    public static Tasks register(Kairos kairos, List<TaskVariant<Batch>> writer, List<TaskVariant<Batch>> reader) {
        return new Tasks(
                kairos.registerTask("writer", Batch.class, writer.toArray(TaskVariant[]::new)),
                kairos.registerTask("reader", Batch.class, reader.toArray(TaskVariant[]::new)));
    }

    /** The CPU writer: fills both fields of every point of the batch. */
    public static void write(Batch batch) {
        AffineAccessor f1 = batch.instance().accessor(FIELD_INT_FLOAT);
        AffineAccessor f2 = batch.instance().accessor(FIELD_LONG_DOUBLE);
        MemorySegment s1 = f1.segment();
        MemorySegment s2 = f2.segment();
        long lo = batch.bounds().lo();
        long hi = batch.bounds().hi();
        if (hi < lo) {
            return;
        }
        long o1 = f1.offset(lo);
        long o2 = f2.offset(lo);
        long st1 = f1.stride();
        long st2 = f2.stride();
        for (long p = lo; p <= hi; p++, o1 += st1, o2 += st2) {
            s1.set(INT, o1, (int) (p + 1));
            s1.set(FLOAT, o1 + 4, (float) (p + 2));
            s2.set(LONG, o2, p + 2);
            s2.set(DOUBLE, o2 + 8, (double) (p + 3));
        }
    }

    /**
     * The CPU reader: checks every point of the batch.
     *
     * @throws VerificationException at the first wrong value, naming batch, field, point, expected and found
     */
    public static void verify(Batch batch) throws VerificationException {
        AffineAccessor f1 = batch.instance().accessor(FIELD_INT_FLOAT);
        AffineAccessor f2 = batch.instance().accessor(FIELD_LONG_DOUBLE);
        MemorySegment s1 = f1.segment();
        MemorySegment s2 = f2.segment();
        long lo = batch.bounds().lo();
        long hi = batch.bounds().hi();
        if (hi < lo) {
            return;
        }
        long o1 = f1.offset(lo);
        long o2 = f2.offset(lo);
        long st1 = f1.stride();
        long st2 = f2.stride();
        for (long p = lo; p <= hi; p++, o1 += st1, o2 += st2) {
            int x1 = s1.get(INT, o1);
            float y1 = s1.get(FLOAT, o1 + 4);
            long x2 = s2.get(LONG, o2);
            double y2 = s2.get(DOUBLE, o2 + 8);
            if (x1 != (int) (p + 1) || y1 != (float) (p + 2)) {
                throw new VerificationException(batch.number(), FIELD_INT_FLOAT, p,
                        "{x=" + (int) (p + 1) + ", y=" + (float) (p + 2) + "}", "{x=" + x1 + ", y=" + y1 + "}");
            }
            if (x2 != p + 2 || y2 != (double) (p + 3)) {
                throw new VerificationException(batch.number(), FIELD_LONG_DOUBLE, p,
                        "{x=" + (p + 2) + ", y=" + (double) (p + 3) + "}", "{x=" + x2 + ", y=" + y2 + "}");
            }
        }
    }

    /**
     * What to run.
     *
     * @param batches how many batches (any number &gt;= 0)
     * @param batchBytes field bytes per batch; the rect is {@link #bounds(long)}
     * @param blockSize 1 for arrays of structs (Realm's choice), 0 for structs of arrays
     * @param eager create every instance without a precondition (the naive loop deferred allocation
     *     improves on); the writer then waits on the instance and the previous batch
     * @param verifyOn where the reader checks the values: null to read the instance where it is, or
     *     another processor and memory to copy each batch there first (a GPU's results checked by
     *     independent CPU code)
     */
    public record Plan(Processor processor, Memory memory, long batches, long batchBytes, int blockSize, boolean eager,
            Verification verifyOn) {
        public Plan {
            if (batches < 0) {
                throw new IllegalArgumentException("batches=" + batches + " must be >= 0");
            }
            if (blockSize != 0 && blockSize != 1) {
                throw new IllegalArgumentException("blockSize=" + blockSize + " must be 0 (SoA) or 1 (AoS)");
            }
        }

        /** Reads each batch where it was written. */
        public Plan(Processor processor, Memory memory, long batches, long batchBytes, int blockSize, boolean eager) {
            this(processor, memory, batches, batchBytes, blockSize, eager, null);
        }

        public Rect bounds() {
            return DeferredAllocation.bounds(batchBytes);
        }

        /** Bytes of one batch's instance. */
        public long instanceBytes() {
            return dev.kairos.InstanceLayout.of(bounds(), FIELD_SIZES, blockSize).totalBytes();
        }
    }

    /** Where a batch is copied to be verified: the reader runs on {@code processor} over a copy in {@code memory}. */
    public record Verification(Processor processor, Memory memory) {}

    /** The scheduled chain: trigger {@link #start} and wait on {@link #done}. */
    public record Schedule(UserEvent start, Event done, List<Event> readers) {}

    /**
     * Builds the whole loop of Realm's tutorial. Nothing runs, and nothing is allocated in deferred
     * mode, until {@code start} triggers.
     */
    public static Schedule schedule(Kairos kairos, Tasks tasks, Plan plan) {
        UserEvent start = kairos.createUserEvent();
        Rect bounds = plan.bounds();
        Event prev = start;
        List<Event> readers = new ArrayList<>();
        for (long i = 0; i < plan.batches(); i++) {
            RegionInstance inst = RegionInstance.create(plan.memory(), bounds, FIELD_SIZES, plan.blockSize(),
                    plan.eager() ? Event.NO_EVENT : prev);
            Batch batch = new Batch(i, inst, bounds);
            // Eager: the instance exists already; the writer still waits for the previous batch.
            Event writerReady = plan.eager() ? Event.merge(prev, inst.ready()) : inst.ready();
            Event written = plan.processor().spawn(tasks.writer(), batch, writerReady);
            Event read;
            if (plan.verifyOn() == null) {
                read = plan.processor().spawn(tasks.reader(), batch, written);
                inst.destroy(freeAfter(read));
            } else {
                // The copy gets its bytes when the writer is done, and gives them back after the reader.
                RegionInstance check = RegionInstance.create(plan.verifyOn().memory(), bounds, FIELD_SIZES,
                        plan.blockSize(), written);
                Event copied = bounds.copy(
                        List.of(CopyField.of(inst, FIELD_INT_FLOAT), CopyField.of(inst, FIELD_LONG_DOUBLE)),
                        List.of(CopyField.of(check, FIELD_INT_FLOAT), CopyField.of(check, FIELD_LONG_DOUBLE)),
                        ProfilingRequestSet.NONE, written);
                // The source goes as soon as it is copied: registered before the reader, so it is freed
                // before anything the reader's completion lets run can ask for bytes.
                inst.destroy(freeAfter(copied));
                read = plan.verifyOn().processor().spawn(tasks.reader(), new Batch(i, check, bounds), copied);
                check.destroy(freeAfter(read));
            }
            readers.add(read);
            prev = read;
        }
        return new Schedule(start, prev, readers);
    }

    /**
     * When a batch's bytes may go: once {@code lastUse} has finished, even if it failed. (Realm's
     * loop destroys on the reader's event itself; a failed batch would then keep its bytes until the
     * runtime closes, since a destroy whose precondition is poisoned is cancelled.)
     */
    private static Event freeAfter(Event lastUse) {
        return Event.mergeIgnoringFaults(List.of(lastUse));
    }
}
