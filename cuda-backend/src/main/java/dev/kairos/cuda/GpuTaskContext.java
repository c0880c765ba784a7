package dev.kairos.cuda;

import dev.kairos.FieldLayout;
import dev.kairos.Memory;
import dev.kairos.RegionInstance;
import dev.kairos.spi.InstanceStorage;
import dev.kairos.cuda.CudaDriver.Copy1D;
import dev.kairos.cuda.CudaDriver.CudaEvent;
import dev.kairos.cuda.CudaDriver.Function;
import dev.kairos.cuda.CudaDriver.MemoryType;
import dev.kairos.cuda.CudaDriver.Stream;
import dev.kairos.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@link CudaTaskContext} of one task body, on its processor's worker thread. */
final class GpuTaskContext implements CudaTaskContext {
    /** CUDA's limit on threads per block. */
    private static final int MAX_BLOCK = 1024;

    private final GpuDevice device;
    private final CudaDriver driver;
    private final Memory framebuffer;
    private final String taskName;
    private final Set<String> kernels = new LinkedHashSet<>();
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    GpuTaskContext(GpuDevice device, Memory framebuffer, String taskName) {
        this.device = device;
        this.driver = device.driver();
        this.framebuffer = framebuffer;
        this.taskName = taskName;
    }

    @Override
    public int deviceOrdinal() {
        return device.info().ordinal();
    }

    @Override
    public String deviceName() {
        return device.info().name();
    }

    @Override
    public long stream() {
        return device.taskStream().handle();
    }

    @Override
    public FieldPointer devicePointer(RegionInstance instance, int fieldId) {
        FieldLayout field = instance.layout().field(fieldId);
        Memory memory = instance.memory();
        switch (memory.kind()) {
            case GPU_FB -> {
                if (memory != framebuffer) {
                    throw new IllegalArgumentException(instance + " lives in " + memory + ", another GPU's framebuffer: a task on "
                            + device.name() + " reaches " + framebuffer + " and ZERO_COPY memory; copy the instance first");
                }
            }
            case ZERO_COPY -> {
                // Pinned host memory mapped into every context; its device address serves every GPU.
            }
            case SYSTEM -> throw new IllegalArgumentException(instance + " lives in " + memory
                    + " (SYSTEM), which GPUs cannot access: create it in GPU_FB or ZERO_COPY memory, or copy it there");
        }
        InstanceStorage bytes = InstanceStorage.of(instance);
        return new FieldPointer(bytes.storage().deviceAddress() + bytes.offset() + field.offset(),
                instance.layout().bounds().lo(), field.stride(), field.size());
    }

    @Override
    public void launch(String module, String kernel, int gridX, int blockX, Object... args) {
        List<String> known = Kernels.functions(module);
        Function function = device.function(module, kernel);
        if (function == null) {
            throw new IllegalArgumentException("no kernel " + kernel + " in module " + module + ": kernels=" + known);
        }
        if (gridX < 1 || blockX < 1 || blockX > MAX_BLOCK) {
            throw new IllegalArgumentException("launch of " + kernel + ": gridX=" + gridX + " blockX=" + blockX
                    + " (gridX must be >= 1, blockX 1.." + MAX_BLOCK + ")");
        }
        Object[] params = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Long l -> l;
                case Integer n -> n;
                case Double d -> d;
                case Float f -> f;
                case FieldPointer p -> p.address();
                case DeviceBuffer b -> b.address();
                case null -> throw new IllegalArgumentException("launch of " + kernel + ": argument " + i + " is null");
                default -> throw new IllegalArgumentException("launch of " + kernel + ": argument " + i + " has type "
                        + args[i].getClass().getName() + "; use Long, Integer, Double, Float, FieldPointer or DeviceBuffer");
            };
        }
        refuseIfFailed();
        kernels.add(kernel);
        failingIfSticky(() -> driver.launch(function, gridX, blockX, device.taskStream(), params));
    }

    @Override
    public void copy(long source, long destination, long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("device copy bytes=" + bytes + " must be >= 1");
        }
        refuseIfFailed();
        // Unified addresses: either side may be ZERO_COPY memory, which is host memory to CUDA.
        failingIfSticky(() -> driver.copy(new Copy1D(MemoryType.UNIFIED, source, MemoryType.UNIFIED, destination, bytes),
                device.taskStream()));
    }

    @Override
    public Duration time(Runnable enqueue) {
        refuseIfFailed();
        Stream stream = device.taskStream();
        try (TimingEvent start = new TimingEvent(driver); TimingEvent end = new TimingEvent(driver)) {
            driver.recordEvent(start.event(), stream);
            enqueue.run();
            driver.recordEvent(end.event(), stream);
            driver.synchronizeEvent(end.event());
            return Duration.ofNanos(Math.round(driver.elapsedMillis(start.event(), end.event()) * 1e6));
        } catch (CudaException e) {
            device.failIfSticky(e);
            throw e;
        }
    }

    /** A timing event of one {@link #time} call, destroyed when closed. */
    private record TimingEvent(CudaDriver driver, CudaEvent event) implements AutoCloseable {
        TimingEvent(CudaDriver driver) {
            this(driver, driver.createTimingEvent());
        }

        @Override
        public void close() {
            driver.destroyEvent(event);
        }
    }

    /** Runs a call that enqueues on the task's stream; a sticky error from it puts the device out of service. */
    private void failingIfSticky(Runnable call) {
        try {
            call.run();
        } catch (CudaException e) {
            device.failIfSticky(e);
            throw e;
        }
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("scratch buffer bytes=" + bytes + " must be >= 1");
        }
        refuseIfFailed();
        DeviceBuffer buffer = new DeviceBuffer(this, driver.allocateAsync(bytes, device.taskStream()), bytes);
        buffers.add(buffer);
        return buffer;
    }

    /** Frees {@code buffer} in stream order: once the work enqueued on the stream so far is done, without waiting for it. */
    void free(DeviceBuffer buffer) {
        buffers.remove(buffer);
        driver.freeAsync(buffer.address(), device.taskStream());
    }

    /**
     * On the task's stream, like the body's kernels: a copy on the legacy default stream would be
     * ordered with nothing on Kairos's non-blocking stream, and CUDA may return from a small pageable
     * copy before it lands. The staging bytes may go at once: CUDA stages a pageable source before
     * the call returns.
     */
    @Override
    public void write(long address, byte[] bytes) {
        refuseIfFailed();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            failingIfSticky(() -> driver.copy(new Copy1D(MemoryType.HOST, staging.address(), MemoryType.UNIFIED, address,
                    bytes.length), device.taskStream()));
        }
    }

    @Override
    public byte[] read(long address, int length) {
        refuseIfFailed();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(length);
            failingIfSticky(() -> {
                driver.copy(new Copy1D(MemoryType.UNIFIED, address, MemoryType.HOST, staging.address(), length),
                        device.taskStream());
                driver.synchronizeStream(device.taskStream());
            });
            return staging.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private void refuseIfFailed() {
        GpuFailedException failed = device.failure(this::describe);
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Frees the scratch buffers the body left open, once the stream's work is done.
     *
     * @return what went wrong, or null
     */
    RuntimeException end() {
        RuntimeException error = null;
        for (DeviceBuffer b : List.copyOf(buffers)) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (error == null) {
                    error = e;
                }
            }
        }
        return error;
    }

    /** Names the task's work in a failure: {@code task writer on gpu0 (kernels update_int_float)}. */
    String describe() {
        return "task " + taskName + " on " + device.name() + (kernels.isEmpty() ? "" : " (kernels " + String.join(", ", kernels) + ")");
    }
}
