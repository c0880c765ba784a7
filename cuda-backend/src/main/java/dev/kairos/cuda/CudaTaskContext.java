package dev.kairos.cuda;

import dev.kairos.RegionInstance;

/**
 * What a task body on a GPU processor sees of CUDA: its device, its stream, the device addresses of
 * instance fields, and kernel launch. Get it with {@code ctx.backend(CudaTaskContext.class)}; it is
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
 */
public interface CudaTaskContext {

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
     * and results). Close it when done; one the body leaves open is freed after the body returns.
     */
    DeviceBuffer allocate(long bytes);

    /**
     * Copies {@code bytes.length} bytes to device address {@code address} once the work already on
     * the task's stream is done; returns when they are there.
     */
    void write(long address, byte[] bytes);

    /**
     * Copies {@code length} bytes from device address {@code address} once the work already on the
     * task's stream is done; blocks until then.
     */
    byte[] read(long address, int length);
}
