package dev.kairos.tutorials;

import static dev.kairos.tutorials.DeferredAllocation.FIELD_INT_FLOAT;
import static dev.kairos.tutorials.DeferredAllocation.FIELD_LONG_DOUBLE;

import dev.kairos.ProcessorKind;
import dev.kairos.TaskContext;
import dev.kairos.TaskVariant;
import dev.kairos.cuda.CudaTaskContext;
import dev.kairos.cuda.DeviceBuffer;
import dev.kairos.cuda.FieldPointer;
import dev.kairos.kernels.Kernels;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The tutorial's writer and reader as GPU tasks: the same values as the CPU bodies
 * ({@link DeferredAllocation#write}, {@link DeferredAllocation#verify}), written and checked by the
 * kernels of {@code kairos-kernels} on the instance's device memory (GPU_FB or ZERO_COPY).
 *
 * {@snippet :
 * Tasks tasks = DeferredAllocation.register(kairos,
 *         List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> DeferredAllocation.write(b)), GpuVariants.writer()),
 *         List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> DeferredAllocation.verify(b)), GpuVariants.reader()));
 * }
 *
 * <p>{@link #write} and {@link #verify} are the same work for a body of one's own: they hand the
 * kernel launches to a caller that runs them, e.g. timed on the device:
 *
 * {@snippet :
 * CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
 * GpuVariants.write(ctx, batch, launches -> took.set(cuda.time(launches)));
 * }
 */
public final class GpuVariants {
    /** Threads per block. */
    private static final int BLOCK = 256;
    /**
     * The kernels stride over the grid, so any grid is correct; 4 096 blocks of 256 threads cover a
     * million points per pass (Realm's 1 MiB batch has 43 691) and stay far below the grid's limit.
     */
    private static final long MAX_GRID = 4096;
    /** What {@code first_bad_index} starts at: no mismatch seen. */
    private static final long NO_MISMATCH = Long.MAX_VALUE;
    /** Bytes of one field's counters: mismatches, first_bad_index, checked. */
    private static final int COUNTERS = 24;

    private GpuVariants() {}

    /** The writer on a GPU: x = p + 1, y = p + 2 in field 101; x = p + 2, y = p + 3 in field 102. */
    public static TaskVariant<Batch> writer() {
        return TaskVariant.on(ProcessorKind.GPU, (ctx, batch) -> write(ctx, batch, Runnable::run));
    }

    /**
     * The writer's work in a GPU body: {@code enqueue} is handed the launches of both update kernels
     * and must run them once. An empty batch launches nothing and does not call it.
     */
    public static void write(TaskContext ctx, Batch batch, Consumer<Runnable> enqueue) {
        Fields f = Fields.of(ctx, batch);
        if (f.count() == 0) {
            return;
        }
        enqueue.accept(() -> {
            f.cuda().launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, f.grid(), BLOCK, f.f1().at(f.lo()), f.lo(), f.count(),
                    f.f1().stride(), 1);
            f.cuda().launch(Kernels.TUTORIAL, Kernels.UPDATE_LONG_DOUBLE, f.grid(), BLOCK, f.f2().at(f.lo()), f.lo(), f.count(),
                    f.f2().stride(), 2L);
        });
    }

    /**
     * The reader on a GPU: both verify kernels count mismatches, and the points they checked, into a
     * device buffer; the body reads it back and, at the first wrong point, fetches that element from
     * the device for the message.
     *
     * @throws VerificationException (from the body) naming batch, field, point, expected and found, as
     *     on the CPU; the first wrong point wins, field 101 before 102 at the same point
     * @throws IllegalStateException (from the body) if a verify kernel checked another number of
     *     points than the batch has: a kernel that did not run finds no mismatch either
     */
    public static TaskVariant<Batch> reader() {
        return TaskVariant.on(ProcessorKind.GPU, (ctx, batch) -> verify(ctx, batch, Runnable::run));
    }

    /**
     * The reader's work in a GPU body: {@code enqueue} is handed the launches of both verify kernels
     * and must run them once; the counters are set before it and read back after it. An empty batch
     * launches nothing and does not call it.
     *
     * @throws VerificationException as {@link #reader}'s body
     */
    public static void verify(TaskContext ctx, Batch batch, Consumer<Runnable> enqueue) throws VerificationException {
        Fields f = Fields.of(ctx, batch);
        if (f.count() == 0) {
            return;
        }
        CudaTaskContext cuda = f.cuda();
        FieldPointer f1 = f.f1();
        FieldPointer f2 = f.f2();
        long lo = f.lo();
        long count = f.count();
        int grid = f.grid();
        // Per field: mismatches, first_bad_index, checked (8 bytes each). A stream-ordered scratch
        // buffer: no allocation or synchronisation of the device per task.
        try (DeviceBuffer counters = cuda.allocate(2 * COUNTERS)) {
            long c1 = counters.address();
            long c2 = c1 + COUNTERS;
            cuda.write(c1, littleEndian(0, NO_MISMATCH, 0, 0, NO_MISMATCH, 0));
            enqueue.accept(() -> {
                cuda.launch(Kernels.TUTORIAL, Kernels.VERIFY_INT_FLOAT, grid, BLOCK, f1.at(lo), lo, count, f1.stride(), 1,
                        c1, c1 + 8, c1 + 16);
                cuda.launch(Kernels.TUTORIAL, Kernels.VERIFY_LONG_DOUBLE, grid, BLOCK, f2.at(lo), lo, count, f2.stride(), 2L,
                        c2, c2 + 8, c2 + 16);
            });
            ByteBuffer result = ByteBuffer.wrap(cuda.read(c1, 2 * COUNTERS)).order(ByteOrder.LITTLE_ENDIAN);
            checkedAll(batch, FIELD_INT_FLOAT, Kernels.VERIFY_INT_FLOAT, result.getLong(16), count);
            checkedAll(batch, FIELD_LONG_DOUBLE, Kernels.VERIFY_LONG_DOUBLE, result.getLong(COUNTERS + 16), count);
            long bad1 = result.getLong(0) == 0 ? NO_MISMATCH : result.getLong(8);
            long bad2 = result.getLong(COUNTERS) == 0 ? NO_MISMATCH : result.getLong(COUNTERS + 8);
            if (bad1 == NO_MISMATCH && bad2 == NO_MISMATCH) {
                return;
            }
            if (bad1 <= bad2) {
                long p = lo + bad1;
                ByteBuffer e = element(cuda, f1.at(p), 8);
                throw new VerificationException(batch.number(), FIELD_INT_FLOAT, p,
                        "{x=" + (int) (p + 1) + ", y=" + (float) (p + 2) + "}",
                        "{x=" + e.getInt(0) + ", y=" + e.getFloat(4) + "}");
            }
            long p = lo + bad2;
            ByteBuffer e = element(cuda, f2.at(p), 16);
            throw new VerificationException(batch.number(), FIELD_LONG_DOUBLE, p,
                    "{x=" + (p + 2) + ", y=" + (double) (p + 3) + "}",
                    "{x=" + e.getLong(0) + ", y=" + e.getDouble(8) + "}");
        }
    }

    private static void checkedAll(Batch batch, int field, String kernel, long checked, long points) {
        if (checked != points) {
            throw new IllegalStateException("batch " + batch.number() + ", field " + field + ": " + kernel + " checked "
                    + checked + " of " + points + " points; a check that did not cover the batch verifies nothing");
        }
    }

    /** What both bodies launch over: the batch's two fields on the device, its points, and the grid. */
    private record Fields(CudaTaskContext cuda, FieldPointer f1, FieldPointer f2, long lo, long count, int grid) {
        static Fields of(TaskContext ctx, Batch batch) {
            long count = batch.bounds().volume();
            if (count == 0) {
                return new Fields(null, null, null, 0, 0, 0);
            }
            CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
            return new Fields(cuda, cuda.devicePointer(batch.instance(), FIELD_INT_FLOAT),
                    cuda.devicePointer(batch.instance(), FIELD_LONG_DOUBLE), batch.bounds().lo(), count,
                    (int) Math.min((count + BLOCK - 1) / BLOCK, MAX_GRID));
        }
    }

    private static byte[] littleEndian(long... words) {
        ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }

    private static ByteBuffer element(CudaTaskContext cuda, long address, int size) {
        return ByteBuffer.wrap(cuda.read(address, size)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
