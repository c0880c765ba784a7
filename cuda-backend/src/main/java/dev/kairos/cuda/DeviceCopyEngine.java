package dev.kairos.cuda;

import dev.kairos.cuda.CudaDriver.Copy1D;
import dev.kairos.cuda.CudaDriver.Copy2D;
import dev.kairos.cuda.CudaDriver.Event;
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
 * <p>A field copy whose elements are contiguous on both sides is one linear copy; a strided one is
 * one pitched copy ({@code cuMemcpy2D}): a row per element, the element size as width and the
 * strides as pitches, so an AoS field moves in one call whatever its layout.
 *
 * <p>Two modes, one per kind of host memory:
 * <ul>
 *   <li><b>Asynchronous</b> (ZERO_COPY, pinned, and device memory on either side): the copies go to
 *       the device's copy stream, an event is recorded after them, and the copy stream's
 *       {@link StreamCompletions} calls {@code done} when the device has passed it. The utility
 *       thread that issued them is free at once.
 *   <li><b>Synchronous</b> (SYSTEM memory on one side): SYSTEM memory is pageable, and CUDA copies
 *       pageable memory through a pinned staging buffer, returning only when the host side is done
 *       (device to host) or staged (host to device), so an asynchronous form would block the calling
 *       thread anyway and make the host buffer's lifetime subtle. The copy is done with
 *       {@code cuMemcpy2D} on the utility thread and {@code done} is called when it returns. Pinning
 *       SYSTEM memory instead would commit all of it at start, which its lazy zeroing avoids.
 * </ul>
 *
 * <p>Fills of the framebuffer launch the fill kernel on the copy stream, at most
 * {@link Kernels#FILL_MAX_VALUE_SIZE} bytes of the value per launch: a wider value is filled as
 * several narrower fields at increasing offsets with the same stride.
 *
 * <p>Between two GPUs, both sides are given as unified addresses and the driver finds the devices.
 */
final class DeviceCopyEngine implements CopyEngine {
    /** Threads per block of the fill kernel. */
    private static final int FILL_BLOCK = 256;
    /** The fill kernel strides over the grid, so a few thousand blocks cover any field. */
    private static final long MAX_FILL_GRID = 4096;

    private final GpuDevice device;
    private final CudaDriver driver;
    private final boolean synchronous;

    DeviceCopyEngine(GpuDevice device, boolean synchronous) {
        this.device = device;
        this.driver = device.driver();
        this.synchronous = synchronous;
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
            if (synchronous) {
                work.enqueue(null);
                done.complete();
            } else {
                enqueueAsync(what, done, work);
            }
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
    private void enqueueAsync(Supplier<String> what, Completion done, Work work) {
        Stream stream = device.copyStream();
        synchronized (stream) {
            work.enqueue(stream);
            Event event = device.record(stream);
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
        int grid = (int) Math.min((f.count() + FILL_BLOCK - 1) / FILL_BLOCK, MAX_FILL_GRID);
        for (int start = 0; start < value.length; start += Kernels.FILL_MAX_VALUE_SIZE) {
            int size = Math.min(Kernels.FILL_MAX_VALUE_SIZE, value.length - start);
            driver.launch(kernel, grid, FILL_BLOCK, stream, new Object[] {
                    base + start, f.count(), f.stride(), size, littleEndian(value, start, Math.min(size, 8)),
                    littleEndian(value, start + 8, Math.max(0, size - 8))});
        }
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
