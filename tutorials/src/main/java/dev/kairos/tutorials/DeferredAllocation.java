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
import dev.kairos.TraceLabel;
import dev.kairos.UserEvent;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** Points checked per pass of the reader's branch-free loop before it looks at the result. */
    private static final long VERIFY_BLOCK = 1 << 16;
    /** A bound on the y values the stepped checks compute (see {@link #steppedAos}): every integer under it is a float. */
    private static final long STEPPED_MAX = 1 << 24;
    /**
     * Points the stepped SoA writer writes of one field before it writes the same points of the
     * other: 48 KiB of both together, so that each loop stores to one stream (see {@link #write}).
     */
    private static final int SOA_WRITE_CHUNK = 2048;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    static {
        // A layout's access handle is built on its first use, and the first one in a JVM takes 15-20 ms
        // (the JDK initializes its layout paths): here, when the tasks are registered, rather than
        // inside the first batch's writer.
        for (ValueLayout layout : List.of(INT, FLOAT, LONG, DOUBLE)) {
            layout.varHandle();
        }
    }

    private DeferredAllocation() {}

    /** The points of one batch: {@code [0, batchBytes / 24]}, as in Realm (43 690 for 1 MiB). */
    public static Rect bounds(long batchBytes) {
        if (batchBytes < 0) {
            throw new IllegalArgumentException("batchBytes=" + batchBytes + " must be >= 0");
        }
        return Rect.of(0, batchBytes / (8 + 16));
    }

    /**
     * The arguments of the writer and reader: which batch (0-based), its instance and its points. In a
     * trace their slices read {@code writer batch 17}.
     */
    public record Batch(long index, RegionInstance instance, Rect bounds) implements TraceLabel {
        /** The batch's number as people count: 1 for the first. */
        public long number() {
            return index + 1;
        }

        @Override
        public String traceLabel() {
            return "batch " + number();
        }
    }

    /** The two registered tasks. */
    public record Tasks(TaskId<Batch> writer, TaskId<Batch> reader) {}

    /** Registers the writer and reader with their CPU and GPU variants. */
    public static Tasks register(Kairos kairos) {
        return register(kairos, writers(), readers());
    }

    /** As {@link #register(Kairos)}, with a writer that checks {@code stop} before it writes (see {@link Stop}). */
    public static Tasks register(Kairos kairos, Stop stop) {
        return register(kairos, writers(), readers(), stop);
    }

    /**
     * As {@link #register(Kairos, List, List)}, with every writer variant checking {@code stop} first:
     * once it is requested, a writer fails with {@link Stop.StoppedException} instead of running its body.
     */
    public static Tasks register(Kairos kairos, List<TaskVariant<Batch>> writer, List<TaskVariant<Batch>> reader, Stop stop) {
        List<TaskVariant<Batch>> checked = new ArrayList<>(writer.size());
        for (TaskVariant<Batch> v : writer) {
            checked.add(TaskVariant.on(v.kind(), (ctx, batch) -> {
                stop.check(batch);
                v.body().run(ctx, batch);
            }));
        }
        return register(kairos, checked, reader);
    }

    private static List<TaskVariant<Batch>> writers() {
        return List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> write(b)), GpuVariants.writer());
    }

    private static List<TaskVariant<Batch>> readers() {
        return List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> verify(b)), GpuVariants.reader());
    }

    /** Registers the writer and reader with the given variants (a backend adds its own). */
    @SuppressWarnings("unchecked")
    public static Tasks register(Kairos kairos, List<TaskVariant<Batch>> writer, List<TaskVariant<Batch>> reader) {
        return new Tasks(
                kairos.registerTask("writer", Batch.class, writer.toArray(TaskVariant[]::new)),
                kairos.registerTask("reader", Batch.class, reader.toArray(TaskVariant[]::new)));
    }

    /**
     * The CPU writer: fills both fields of every point of the batch.
     *
     * <p>The loops are specialized for the tutorial's two layouts (AoS: both strides 32; SoA: 8 and
     * 16) because the JIT removes the range checks only when a stride is a constant: about
     * 40 % faster writes and 55 % faster reads than one loop over variable strides (measured on
     * 256 MiB on the build machine). Each loop is a method of its own, so that running one layout
     * first does not leave the other compiled for the wrong profile. They count points in an
     * {@code int} and compute the values in {@code int} (the same values wherever the points and
     * their values fit in an {@code int}, as every batch of less than 48 GiB does): the JIT compiles
     * an int-counted loop without the long loop's nesting, which measured 13 % faster writes and 6 %
     * faster checks at 1 MiB. Where the values are counted up rather than converted (the stepped
     * loops), they go through a {@link ByteBuffer} over the batch's bytes, which is cheaper than a
     * segment until the JIT has compiled the loop and no slower after: the cold 1 000-batch run
     * 1.29x, the warmed pipeline 1.26x. The stepped SoA writer writes {@value #SOA_WRITE_CHUNK} points
     * of field 101, then the same points of field 102, one store stream per loop: stand-alone, 96 %
     * of a fill's speed at 1 MiB and 93-98 % at 256 MiB, against 67-72 % and 82-90 % with both
     * fields in one loop. Any other layout or range takes the general loop.
     */
    public static void write(Batch batch) {
        Fields f = Fields.of(batch);
        boolean stepped = stepped(f.lo(), f.lo() + f.count());
        if (stepped && f.aosPair()) {
            ByteBuffer b = bytes(f.s1(), f.o1(), f.count() * 32);
            for (int i = 0; i < f.count(); ) {
                int run = stepRun((int) f.lo() + i, (int) f.count() - i);
                writeRunAos(b, i * 32, (int) f.lo() + i, run);
                i += run;
            }
        } else if (stepped && f.st1() == 8 && f.st2() == 16) {
            ByteBuffer b1 = bytes(f.s1(), f.o1(), f.count() * 8);
            ByteBuffer b2 = bytes(f.s2(), f.o2(), f.count() * 16);
            for (int i = 0; i < f.count(); ) {
                int run = Math.min(SOA_WRITE_CHUNK, stepRun((int) f.lo() + i, (int) f.count() - i));
                writeRunIntFloats(b1, i * 8, (int) f.lo() + i, run);
                writeRunLongDoubles(b2, i * 16, (int) f.lo() + i, run);
                i += run;
            }
        } else if (f.intValues() && f.st1() == 32 && f.st2() == 32) {
            writeAos(f.s1(), f.o1(), f.s2(), f.o2(), (int) f.lo(), (int) f.count());
        } else if (f.intValues() && f.st1() == 8 && f.st2() == 16) {
            writeSoa(f.s1(), f.o1(), f.s2(), f.o2(), (int) f.lo(), (int) f.count());
        } else {
            for (long i = 0; i < f.count(); i++) {
                long p = f.lo() + i;
                long at2 = f.o2() + i * f.st2();
                f.s1().set(LONG, f.o1() + i * f.st1(), intFloat(p + 1));
                f.s2().set(LONG, at2, p + 2);
                f.s2().set(DOUBLE, at2 + 8, (double) (p + 3));
            }
        }
    }

    /**
     * The writer's side of {@link #steppedAos}: the values of a run counted up by adding, not
     * converted; both fields from one base, field 102 at {@code o + 16}.
     */
    private static void writeRunAos(ByteBuffer b, int o, int p, int count) {
        long packed = intFloat(p + 1);
        long packedStep = intFloatStep(p + 2);
        long x = p + 2;
        long y = Double.doubleToRawLongBits(p + 3);
        long yStep = doubleStep(p + 3);
        for (int i = 0; i < count; i++) {
            int at = o + i * 32;
            b.putLong(at, packed);
            b.putLong(at + 16, x);
            b.putLong(at + 24, y);
            packed += packedStep;
            x++;
            y += yStep;
        }
    }

    /** The stepped SoA writer's field 101 over a run: {@code b1} holds it alone, 8 bytes a point. */
    private static void writeRunIntFloats(ByteBuffer b1, int o1, int p, int count) {
        long packed = intFloat(p + 1);
        long packedStep = intFloatStep(p + 2);
        for (int i = 0; i < count; i++) {
            b1.putLong(o1 + i * 8, packed);
            packed += packedStep;
        }
    }

    /** The stepped SoA writer's field 102 over a run: {@code b2} holds it alone, 16 bytes a point. */
    private static void writeRunLongDoubles(ByteBuffer b2, int o2, int p, int count) {
        long x = p + 2;
        long y = Double.doubleToRawLongBits(p + 3);
        long yStep = doubleStep(p + 3);
        for (int i = 0; i < count; i++) {
            int at2 = o2 + i * 16;
            b2.putLong(at2, x);
            b2.putLong(at2 + 8, y);
            x++;
            y += yStep;
        }
    }

    private static void writeAos(MemorySegment s1, long o1, MemorySegment s2, long o2, int lo, int count) {
        for (int i = 0; i < count; i++) {
            writePoint(s1, o1 + i * 32L, s2, o2 + i * 32L, lo + i);
        }
    }

    private static void writeSoa(MemorySegment s1, long o1, MemorySegment s2, long o2, int lo, int count) {
        for (int i = 0; i < count; i++) {
            writePoint(s1, o1 + i * 8L, s2, o2 + i * 16L, lo + i);
        }
    }

    private static void writePoint(MemorySegment s1, long at1, MemorySegment s2, long at2, int p) {
        s1.set(LONG, at1, intFloat(p + 1));
        s2.set(LONG, at2, (long) (p + 2));
        s2.set(DOUBLE, at2 + 8, (double) (p + 3));
    }

    /**
     * The CPU reader: checks every point of the batch, a block at a time without branches, and looks
     * closely only at a block that differs. Specialized as {@link #write}.
     *
     * @throws VerificationException at the first wrong value, naming batch, field, point, expected and found
     */
    public static void verify(Batch batch) throws VerificationException {
        Fields f = Fields.of(batch);
        for (long start = 0; start < f.count(); start += VERIFY_BLOCK) {
            long end = Math.min(f.count(), start + VERIFY_BLOCK);
            long differ;
            // The block's own origin, so that the loops count from 0: an int loop from a variable start
            // measured 25 % slower (the JIT's address arithmetic is simpler from 0).
            boolean stepped = stepped(f.lo() + start, f.lo() + end);
            if (stepped && f.st1() == 32 && f.st2() == 32) {
                differ = steppedAos(bytes(f.s1(), f.o1() + start * 32, (end - start - 1) * 32 + 8),
                        bytes(f.s2(), f.o2() + start * 32, (end - start - 1) * 32 + 16), (int) (f.lo() + start),
                        (int) (end - start));
            } else if (stepped && f.st1() == 8 && f.st2() == 16) {
                differ = steppedSoa(bytes(f.s1(), f.o1() + start * 8, (end - start) * 8),
                        bytes(f.s2(), f.o2() + start * 16, (end - start) * 16), (int) (f.lo() + start),
                        (int) (end - start));
            } else if (f.intValues() && f.st1() == 32 && f.st2() == 32) {
                differ = differencesAos(f.s1(), f.o1() + start * 32, f.s2(), f.o2() + start * 32, (int) (f.lo() + start),
                        (int) (end - start));
            } else if (f.intValues() && f.st1() == 8 && f.st2() == 16) {
                differ = differencesSoa(f.s1(), f.o1() + start * 8, f.s2(), f.o2() + start * 16, (int) (f.lo() + start),
                        (int) (end - start));
            } else {
                differ = 0;
                for (long i = start; i < end; i++) {
                    long p = f.lo() + i;
                    long at2 = f.o2() + i * f.st2();
                    differ |= (f.s1().get(LONG, f.o1() + i * f.st1()) ^ intFloat(p + 1))
                            | (f.s2().get(LONG, at2) ^ (p + 2))
                            | (f.s2().get(LONG, at2 + 8) ^ Double.doubleToRawLongBits((double) (p + 3)));
                }
            }
            if (differ != 0) {
                throw firstMismatch(batch, f, start, end);
            }
        }
    }

    /**
     * The checks of points {@code [lo, lo + count)}, all in {@code [0, STEPPED_MAX - 2)}, without a
     * conversion per point: over a run of points whose y values stay in one binade (between two
     * powers of two), consecutive integers' float and double bits are a constant step apart, so the
     * expected words are counted up by adding, where the general loop converts each value (an
     * int-to-float and an int-to-double conversion per point, the reader's largest cost). Exact:
     * every integer up to 2^24 is a float, and each run starts from a converted value.
     */
    private static long steppedAos(ByteBuffer b1, ByteBuffer b2, int lo, int count) {
        long differ = 0;
        for (int i = 0; i < count; ) {
            int run = stepRun(lo + i, count - i);
            differ |= runAos(b1, b2, i * 32, lo + i, run);
            i += run;
        }
        return differ;
    }

    /** {@link #steppedAos} for SoA's strides. */
    private static long steppedSoa(ByteBuffer b1, ByteBuffer b2, int lo, int count) {
        long differ = 0;
        for (int i = 0; i < count; ) {
            int run = stepRun(lo + i, count - i);
            differ |= runSoa(b1, i * 8, b2, i * 16, lo + i, run);
            i += run;
        }
        return differ;
    }

    /**
     * {@code length} bytes of {@code s} from {@code offset} as a buffer in native order, read and
     * written by the stepped loops. A direct buffer's absolute accesses cost a chain of a few calls
     * where a segment's cost eight; until the JIT compiles a loop, that chain is the loop's time.
     * The stepped ranges are under 2^24 points, so their bytes fit a buffer's {@code int} indexes.
     */
    private static ByteBuffer bytes(MemorySegment s, long offset, long length) {
        return s.asSlice(offset, length).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** Whether points {@code [first, end)} are all in {@code [0, STEPPED_MAX - 2)}, where the stepped loops hold. */
    private static boolean stepped(long first, long end) {
        return first >= 0 && end + 1 < STEPPED_MAX;
    }

    /** Points from {@code p} on, at most {@code max}, over which p + 2 (a float) and p + 3 (a double) each stay in one binade. */
    private static int stepRun(int p, int max) {
        int floats = Integer.highestOneBit(p + 2) * 2 - (p + 2);
        int doubles = Integer.highestOneBit(p + 3) * 2 - (p + 3);
        return Math.min(max, Math.min(floats, doubles));
    }

    /** The checks of a run: {@code b1} and {@code b2} start at the block's first point of each field, so one offset serves both. */
    private static long runAos(ByteBuffer b1, ByteBuffer b2, int o, int p, int count) {
        long packed = intFloat(p + 1);
        long packedStep = intFloatStep(p + 2);
        long x = p + 2;
        long y = Double.doubleToRawLongBits(p + 3);
        long yStep = doubleStep(p + 3);
        long differ = 0;
        for (int i = 0; i < count; i++) {
            int at = o + i * 32;
            differ |= (b1.getLong(at) ^ packed) | (b2.getLong(at) ^ x) | (b2.getLong(at + 8) ^ y);
            packed += packedStep;
            x++;
            y += yStep;
        }
        return differ;
    }

    private static long runSoa(ByteBuffer b1, int o1, ByteBuffer b2, int o2, int p, int count) {
        long packed = intFloat(p + 1);
        long packedStep = intFloatStep(p + 2);
        long x = p + 2;
        long y = Double.doubleToRawLongBits(p + 3);
        long yStep = doubleStep(p + 3);
        long differ = 0;
        for (int i = 0; i < count; i++) {
            int at2 = o2 + i * 16;
            differ |= (b1.getLong(o1 + i * 8) ^ packed) | (b2.getLong(at2) ^ x) | (b2.getLong(at2 + 8) ^ y);
            packed += packedStep;
            x++;
            y += yStep;
        }
        return differ;
    }

    /**
     * What one point adds to field 101's word while its float {@code v} stays in v's binade: 1 to x,
     * and to y's bits the float's last mantissa place there. Neither half carries into the other:
     * x stays under 2^24, y's bits under 2^31.
     */
    private static long intFloatStep(int v) {
        long y = 1L << (23 - (31 - Integer.numberOfLeadingZeros(v)));
        return LITTLE_ENDIAN ? y << 32 | 1 : 1L << 32 | y;
    }

    /** The bits one step adds to the double {@code v} while it stays in v's binade: its last mantissa place there. */
    private static long doubleStep(int v) {
        return 1L << (52 - (31 - Integer.numberOfLeadingZeros(v)));
    }

    private static long differencesAos(MemorySegment s1, long o1, MemorySegment s2, long o2, int lo, int count) {
        long differ = 0;
        for (int i = 0; i < count; i++) {
            differ |= pointDifference(s1, o1 + i * 32L, s2, o2 + i * 32L, lo + i);
        }
        return differ;
    }

    private static long differencesSoa(MemorySegment s1, long o1, MemorySegment s2, long o2, int lo, int count) {
        long differ = 0;
        for (int i = 0; i < count; i++) {
            differ |= pointDifference(s1, o1 + i * 8L, s2, o2 + i * 16L, lo + i);
        }
        return differ;
    }

    private static long pointDifference(MemorySegment s1, long at1, MemorySegment s2, long at2, int p) {
        return (s1.get(LONG, at1) ^ intFloat(p + 1))
                | (s2.get(LONG, at2) ^ (long) (p + 2))
                | (s2.get(LONG, at2 + 8) ^ Double.doubleToRawLongBits((double) (p + 3)));
    }

    /** Where the two fields of a batch are: segments, offsets and strides of its first point. */
    private record Fields(MemorySegment s1, long o1, long st1, MemorySegment s2, long o2, long st2, long lo, long count) {
        /** Whether every point and every value written for it (up to point + 3) fits in an {@code int}. */
        boolean intValues() {
            return lo >= Integer.MIN_VALUE && lo + count + 2 <= Integer.MAX_VALUE;
        }

        /**
         * AoS as Kairos lays the tutorial's fields out: one segment, stride 32, field 102 16 bytes
         * after field 101. The stepped writer then addresses both fields from one base with constant
         * displacements, which C2 compiles to faster stores than two bases a variable distance apart
         * (writer / fill at 1 MiB from 76-80 % to 95-105 %). The reader measured no better that way
         * and keeps its two bases.
         */
        boolean aosPair() {
            return st1 == 32 && st2 == 32 && s1 == s2 && o2 == o1 + 16;
        }

        static Fields of(Batch batch) {
            AffineAccessor f1 = batch.instance().accessor(FIELD_INT_FLOAT);
            AffineAccessor f2 = batch.instance().accessor(FIELD_LONG_DOUBLE);
            Rect bounds = batch.bounds();
            if (bounds.isEmpty()) {
                return new Fields(f1.segment(), 0, 0, f2.segment(), 0, 0, 0, 0);
            }
            return new Fields(f1.segment(), f1.offset(bounds.lo()), f1.stride(), f2.segment(), f2.offset(bounds.lo()),
                    f2.stride(), bounds.lo(), bounds.volume());
        }
    }

    /**
     * Field 101's {@code {int x = v; float y = v + 1}} as the 8 bytes it occupies, in native order:
     * one store (and one load) per point instead of two.
     */
    private static long intFloat(long v) {
        long x = (int) v & 0xFFFF_FFFFL;
        long y = Float.floatToRawIntBits((float) (v + 1)) & 0xFFFF_FFFFL;
        return LITTLE_ENDIAN ? y << 32 | x : x << 32 | y;
    }

    /** {@link #intFloat(long)} for a value whose successor fits in an {@code int}. */
    private static long intFloat(int v) {
        long x = v & 0xFFFF_FFFFL;
        long y = Float.floatToRawIntBits((float) (v + 1)) & 0xFFFF_FFFFL;
        return LITTLE_ENDIAN ? y << 32 | x : x << 32 | y;
    }

    /** The precise check of points {@code [start, end)}, where the fast pass saw a difference. */
    private static VerificationException firstMismatch(Batch batch, Fields f, long start, long end) {
        for (long i = start; i < end; i++) {
            long p = f.lo() + i;
            long o1 = f.o1() + i * f.st1();
            long o2 = f.o2() + i * f.st2();
            int x1 = f.s1().get(INT, o1);
            float y1 = f.s1().get(FLOAT, o1 + 4);
            if (x1 != (int) (p + 1) || Float.floatToRawIntBits(y1) != Float.floatToRawIntBits((float) (p + 2))) {
                return new VerificationException(batch.number(), FIELD_INT_FLOAT, p,
                        "{x=" + (int) (p + 1) + ", y=" + (float) (p + 2) + "}", "{x=" + x1 + ", y=" + y1 + "}");
            }
            long x2 = f.s2().get(LONG, o2);
            double y2 = f.s2().get(DOUBLE, o2 + 8);
            if (x2 != p + 2 || Double.doubleToRawLongBits(y2) != Double.doubleToRawLongBits((double) (p + 3))) {
                return new VerificationException(batch.number(), FIELD_LONG_DOUBLE, p,
                        "{x=" + (p + 2) + ", y=" + (double) (p + 3) + "}", "{x=" + x2 + ", y=" + y2 + "}");
            }
        }
        throw new IllegalStateException("points " + start + ".." + end + " of batch " + batch.number()
                + " differed in the fast pass but not in the precise one");
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

    /**
     * Realm's loop, scheduled a part at a time: {@link #scheduleNext} adds the next batches behind
     * those already scheduled, each created on the previous reader's event as in one long loop, so
     * a run can keep a bounded number of batches scheduled ahead and any batch count fits in the
     * heap. Nothing runs, and nothing is allocated in deferred mode, until {@link #start} triggers.
     * Used by one thread.
     */
    public static final class Chain {
        private final Tasks tasks;
        private final Plan plan;
        private final Rect bounds;
        private final UserEvent start;
        private Event prev;
        private long scheduled;
        /** Every destroy scheduled so far, merged a part at a time. */
        private Event freed = Event.NO_EVENT;

        private Chain(Kairos kairos, Tasks tasks, Plan plan) {
            this.tasks = tasks;
            this.plan = plan;
            this.bounds = plan.bounds();
            this.start = kairos.createUserEvent();
            this.prev = start;
        }

        /** Trigger it to start the chain. */
        public UserEvent start() {
            return start;
        }

        /** Triggers once every batch scheduled so far gave its bytes back. */
        public Event freed() {
            return freed;
        }

        /** Batches scheduled so far. */
        public long scheduled() {
            return scheduled;
        }

        /**
         * Schedules the next {@code count} batches, or as many as the plan has left.
         *
         * @return the readers' events of those batches, in order
         */
        public List<Event> scheduleNext(long count) {
            long end = Math.min(plan.batches(), scheduled + count);
            List<Event> readers = new ArrayList<>((int) (end - scheduled));
            List<Event> destroys = new ArrayList<>((int) (end - scheduled) + 1);
            destroys.add(freed);
            for (long i = scheduled; i < end; i++) {
                prev = scheduleBatch(i, destroys);
                readers.add(prev);
            }
            scheduled = end;
            freed = Event.merge(destroys);
            return readers;
        }

        private Event scheduleBatch(long i, List<Event> destroys) {
            RegionInstance inst = RegionInstance.create(plan.memory(), bounds, FIELD_SIZES, plan.blockSize(),
                    plan.eager() ? Event.NO_EVENT : prev);
            Batch batch = new Batch(i, inst, bounds);
            // Eager: the instance exists already; the writer still waits for the previous batch.
            Event writerReady = plan.eager() ? Event.merge(prev, inst.ready()) : inst.ready();
            Event written = plan.processor().spawn(tasks.writer(), batch, writerReady);
            if (plan.verifyOn() == null) {
                Event read = plan.processor().spawn(tasks.reader(), batch, written);
                destroys.add(inst.destroy(freeAfter(read)));
                return read;
            }
            // The copy gets its bytes when the writer is done, and gives them back after the reader.
            RegionInstance check = RegionInstance.create(plan.verifyOn().memory(), bounds, FIELD_SIZES,
                    plan.blockSize(), written);
            Event copied = bounds.copy(
                    List.of(CopyField.of(inst, FIELD_INT_FLOAT), CopyField.of(inst, FIELD_LONG_DOUBLE)),
                    List.of(CopyField.of(check, FIELD_INT_FLOAT), CopyField.of(check, FIELD_LONG_DOUBLE)),
                    ProfilingRequestSet.NONE, written);
            // The source goes as soon as it is copied: registered before the reader, so it is freed
            // before anything the reader's completion lets run can ask for bytes.
            destroys.add(inst.destroy(freeAfter(copied)));
            Event read = plan.verifyOn().processor().spawn(tasks.reader(), new Batch(i, check, bounds), copied);
            destroys.add(check.destroy(freeAfter(read)));
            return read;
        }
    }

    /** The loop of Realm's tutorial for {@code plan}, with nothing scheduled yet. */
    public static Chain chain(Kairos kairos, Tasks tasks, Plan plan) {
        return new Chain(kairos, tasks, plan);
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
