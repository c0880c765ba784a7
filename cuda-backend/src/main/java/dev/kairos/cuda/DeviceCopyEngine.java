package dev.kairos.cuda;

import dev.kairos.cuda.CudaDriver.Copy1D;
import dev.kairos.cuda.CudaDriver.Copy2D;
import dev.kairos.cuda.CudaDriver.CudaEvent;
import dev.kairos.cuda.CudaDriver.Function;
import dev.kairos.cuda.CudaDriver.MemoryType;
import dev.kairos.cuda.CudaDriver.Stream;
import dev.kairos.kernels.Kernels;
import dev.kairos.spi.CopyEngine;
import dev.kairos.spi.MemoryStorage;
import java.util.List;
import java.util.function.Supplier;

/**
 * Copies that involve one GPU's framebuffer, and fills of it, through the CUDA driver.
 *
 * <p>Every copy and fill goes to the device's copy stream, an event is recorded after it, and the
 * copy stream's {@link StreamCompletions} calls {@code done} once the device has passed the event;
 * the utility thread that issued it moves on. One stream and one event order everything, whatever
 * the host side: CUDA stages a pageable (SYSTEM) source before an asynchronous copy returns, and
 * returns from a copy into pageable memory once it is done, so SYSTEM memory needs no other path.
 * (A synchronous copy would go to the legacy default stream, which nothing orders with Kairos's
 * non-blocking streams: a task could read the framebuffer before the bytes land.)
 *
 * <p>A field copy whose elements are contiguous on both sides is one linear copy. A strided one
 * within this device is the {@link Kernels#COPY_FIELD} kernel, a gather/scatter over the elements:
 * CUDA documents that an intra-device {@code cuMemcpy2D} may fail for pitches not from
 * {@code cuMemAllocPitch}, and rows of one element (4 to 36 bytes) are slow. A strided copy with a
 * host side, or between two GPUs, is one pitched copy ({@code cuMemcpy2DAsync}): a row per element,
 * the element size as width and the strides as pitches.
 *
 * <p>Fills of the framebuffer launch the fill kernel, at most {@link Kernels#FILL_MAX_VALUE_SIZE}
 * bytes of the value per launch: a wider value is filled as several narrower fields at increasing
 * offsets with the same stride.
 *
 * <p>Between two GPUs, both sides are given as unified addresses and the driver finds the devices.
 */
final class DeviceCopyEngine implements CopyEngine {
    /** Threads per block of the fill and copy kernels. */
    private static final int BLOCK = 256;
    /** The kernels stride over the grid, so a few thousand blocks cover any field. */
    private static final long MAX_GRID = 4096;

    private final GpuDevice device;
    private final CudaDriver driver;

    DeviceCopyEngine(GpuDevice device) {
        this.device = device;
        this.driver = device.driver();
    }

    @Override
    public void copy(List<FieldCopy> copies, Completion done) {
        run(() -> "copy of " + copies.size() + " field(s) by " + device.name(), done, stream -> {
            for (FieldCopy c : copies) {
                copy(c, stream);
            }
        });
    }

    @Override
    public void fill(List<FieldFill> fills, Completion done) {
        run(() -> "fill of " + fills.size() + " field(s) by " + device.name(), done, stream -> {
            for (FieldFill f : fills) {
                fill(f, stream);
            }
        });
    }

    private interface Work {
        void enqueue(Stream stream);
    }

    private void run(Supplier<String> what, Completion done, Work work) {
        GpuFailedException refused = device.failure(what);
        if (refused != null) {
            done.fail(refused);
            return;
        }
        try {
            device.makeCurrent();
            enqueue(what, done, work);
        } catch (CudaException e) {
            device.failIfSticky(e);
            done.fail(e);
        } catch (RuntimeException e) {
            done.fail(e);
        } finally {
            device.releaseCurrent();
        }
    }

    /** Enqueue, record and submit under one lock, so completions are submitted in stream order. */
    private void enqueue(Supplier<String> what, Completion done, Work work) {
        Stream stream = device.copyStream();
        synchronized (stream) {
            work.enqueue(stream);
            CudaEvent event = device.record(stream);
            device.copyCompletions().submit(event, what, new StreamCompletions.Callback() {
                @Override
                public void completed() {
                    done.complete();
                }

                @Override
                public void failed(RuntimeException error) {
                    done.fail(error);
                }
            });
        }
    }

    private void copy(FieldCopy c, Stream stream) {
        if (c.count() == 0) {
            return;
        }
        boolean crossDevice = isOtherDevice(c.source()) || isOtherDevice(c.destination());
        MemoryType sourceType = type(c.source(), crossDevice);
        MemoryType destinationType = type(c.destination(), crossDevice);
        long source = address(c.source(), c.sourceOffset());
        long destination = address(c.destination(), c.destinationOffset());
        long size = c.elementSize();
        if (c.sourceStride() == size && c.destinationStride() == size) {
            driver.copy(new Copy1D(sourceType, source, destinationType, destination, Math.multiplyExact(size, c.count())), stream);
        } else if (sourceType == MemoryType.DEVICE && destinationType == MemoryType.DEVICE) {
            driver.launch(device.function(Kernels.COPY, Kernels.COPY_FIELD), grid(c.count()), BLOCK, stream, new Object[] {
                    source, c.sourceStride(), destination, c.destinationStride(), c.count(), Math.toIntExact(size)});
        } else {
            driver.copy(new Copy2D(sourceType, source, c.sourceStride(), destinationType, destination, c.destinationStride(),
                    size, c.count()), stream);
        }
    }

    private void fill(FieldFill f, Stream stream) {
        if (f.count() == 0) {
            return;
        }
        Function kernel = device.function(Kernels.FILL, Kernels.FILL_FIELD);
        byte[] value = f.value();
        long base = address(f.destination(), f.offset());
        for (int start = 0; start < value.length; start += Kernels.FILL_MAX_VALUE_SIZE) {
            int size = Math.min(Kernels.FILL_MAX_VALUE_SIZE, value.length - start);
            driver.launch(kernel, grid(f.count()), BLOCK, stream, new Object[] {
                    base + start, f.count(), f.stride(), size, littleEndian(value, start, Math.min(size, 8)),
                    littleEndian(value, start + 8, Math.max(0, size - 8))});
        }
    }

    private static int grid(long elements) {
        return (int) Math.min((elements + BLOCK - 1) / BLOCK, MAX_GRID);
    }

    /** {@code length} (0..8) bytes of {@code value} from {@code from} as a little-endian number. */
    static long littleEndian(byte[] value, int from, int length) {
        long word = 0;
        for (int i = 0; i < length; i++) {
            word |= (value[from + i] & 0xFFL) << (8 * i);
        }
        return word;
    }

    /** Host-visible memory (SYSTEM, ZERO_COPY) is copied as host memory, by its host address. */
    private MemoryType type(MemoryStorage storage, boolean crossDevice) {
        if (storage.hostSegment() != null) {
            return MemoryType.HOST;
        }
        return crossDevice ? MemoryType.UNIFIED : MemoryType.DEVICE;
    }

    private boolean isOtherDevice(MemoryStorage storage) {
        return storage.hostSegment() == null && storage.deviceAddress() != device.framebuffer();
    }

    private static long address(MemoryStorage storage, long offset) {
        return (storage.hostSegment() != null ? storage.hostSegment().address() : storage.deviceAddress()) + offset;
    }
}
