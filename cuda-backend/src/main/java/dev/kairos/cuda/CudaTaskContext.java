package dev.kairos.cuda;

import dev.kairos.RegionInstance;
import java.time.Duration;

/**
 * What a task body on a GPU processor sees of CUDA: its device, its stream, the device addresses of
 * instance fields, kernel launch, copies and timing of device work. Get it with {@code ctx.backend(CudaTaskContext.class)}; it is
 * valid only while the body runs, on the body's thread.
 *
 * <p>Work the body enqueues runs on the processor's stream, in order. The body returns without
 * waiting for it: the task's event triggers once the device has finished everything the body
 * enqueued (and is poisoned, naming the CUDA error and the kernels, if that work failed).
 *
 * {@snippet :
 * CudaTaskContext cuda = ctx.backend(CudaTaskContext.class);
 * FieldPointer f = cuda.devicePointer(instance, 101);
 * long count = instance.layout().bounds().volume();
 * cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 64, 256, f.address(), f.lo(), count, f.stride(), 1);
 * }
 *
 * <p>{@link #time} measures the device time of what a body enqueues, with CUDA events:
 *
 * {@snippet :
 * Duration took = cuda.time(() -> cuda.launch(Kernels.TUTORIAL, Kernels.UPDATE_INT_FLOAT, 64, 256, f.address(), f.lo(),
 *         count, f.stride(), 1));
 * }
 */
public sealed interface CudaTaskContext permits GpuTaskContext {

    /** The CUDA ordinal of the task's device. */
    int deviceOrdinal();

    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String deviceName();

    /** The native {@code CUstream} the task's work goes to, for code that calls CUDA itself. */
    long stream();

    /**
     * Where {@code fieldId} of {@code instance} lives on this device.
     *
     * @throws IllegalArgumentException if the instance is in a memory this device cannot reach
     *     (SYSTEM memory, another GPU's framebuffer) or has no such field
     * @throws IllegalStateException if the instance holds no bytes (not ready, or its allocation failed)
     */
    FieldPointer devicePointer(RegionInstance instance, int fieldId);

    /**
     * Enqueues a kernel from a module of {@code dev.kairos.kernels.Kernels} on the task's stream,
     * with a one-dimensional grid.
     *
     * @param args the kernel's parameters in order: {@link Long} for {@code long long} and pointers,
     *     {@link Integer} for {@code int}, {@link Double}, {@link Float}, or a {@link FieldPointer} or
     *     {@link DeviceBuffer} for a pointer to its first byte
     * @throws IllegalArgumentException for an unknown module or kernel, a grid or block out of
     *     range, or an argument of another type
     * @throws CudaException if the driver refuses the launch, e.g.
     *     {@code cuLaunchKernel(update_int_float) failed: CUDA_ERROR_INVALID_VALUE}
     */
    void launch(String module, String kernel, int gridX, int blockX, Object... args);

    /**
     * A scratch buffer of {@code bytes} in device memory, outside every memory's arena (for counters
     * and results), from the stream-ordered allocator ({@code cuMemAllocAsync} on the task's stream):
     * usable by the work the body enqueues from now on, and costing no synchronisation. Close it when
     * done; it is freed in stream order, after the work enqueued before, without waiting for that
     * work. One the body leaves open is freed after the body returns.
     */
    DeviceBuffer allocate(long bytes);

    /**
     * Enqueues a copy of {@code bytes} from device address {@code source} to device address
     * {@code destination} on the task's stream ({@code cuMemcpyAsync}, the driver finding each side
     * through unified addressing) and returns at once: it runs in order with the body's other work.
     * Either range may lie in this device's memory (fields of GPU_FB instances,
     * {@link FieldPointer#address}; scratch buffers, {@link DeviceBuffer#address}) or in ZERO_COPY
     * memory (its fields' {@link FieldPointer#address}).
     *
     * @throws IllegalArgumentException if {@code bytes} is below 1
     * @throws CudaException if the driver refuses the copy, e.g.
     *     {@code cuMemcpyAsync(bytes=16) failed: CUDA_ERROR_INVALID_VALUE}
     */
    void copy(long source, long destination, long bytes);

    /**
     * The device time of the work {@code enqueue} puts on the task's stream, measured with CUDA
     * events: records a timing event on the stream, runs {@code enqueue} (which launches kernels or
     * copies and returns without waiting for them), records a second event, waits until the device
     * has passed it and returns the time between the two ({@code cuEventElapsedTime}, about 0.5 µs
     * resolution). Host time (launch calls, completion tracking) is not in it, except where the
     * device waits for the host:
     * <ul>
     *   <li>on an idle stream the device passes the first event at once and then waits for the
     *       first piece of work to be enqueued: a few microseconds, small against work of a
     *       millisecond, not against short kernels;
     *   <li>{@link #write} and {@link #read} inside {@code enqueue} wait for the stream, so their
     *       host time counts;
     *   <li>work other bodies put on the stream between the two events counts too.
     * </ul>
     * Blocks the body's thread until the work is done; the events have CUDA's default flags, so the
     * wait may spin rather than sleep. They are destroyed before it returns or throws.
     *
     * @return the elapsed device time, rounded to the nanosecond
     * @throws CudaException naming the call, if the driver refuses one or the timed work failed on
     *     the device, e.g. {@code cuEventSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS}; what
     *     {@code enqueue} throws is rethrown as it is
     */
    Duration time(Runnable enqueue);

    /**
     * Enqueues a copy of {@code bytes.length} bytes to device address {@code address} on the task's
     * stream, so it lands after the work enqueued before it and before the work enqueued after it;
     * returns without waiting ({@code bytes} may be reused at once: CUDA stages them).
     */
    void write(long address, byte[] bytes);

    /**
     * Copies {@code length} bytes from device address {@code address} once the work already on the
     * task's stream is done; blocks until then (the body's one wait for its stream).
     */
    byte[] read(long address, int length);
}
