package dev.kairos.cuda;

/**
 * The seam between the backend and the CUDA driver API: exactly the calls the backend makes, and
 * nothing of JCuda's types. {@link JCudaDriverApi} implements it over JCuda; the tests use a double.
 *
 * <p>Every method checks the driver's result and throws {@link CudaException}, naming the call and
 * the CUDA error, when it is not {@code CUDA_SUCCESS}. Addresses (device pointers, pinned host
 * memory) are plain longs; the driver's objects are opaque handles. Calls that act in "the current
 * context" need {@link #setCurrent} on the calling thread first, as in CUDA.
 */
interface CudaDriver {

    /** A device's primary context. */
    interface Context {}

    /** A stream. */
    interface Stream {
        /** The native {@code CUstream} value, for code that calls CUDA itself. */
        long handle();
    }

    /**
     * A CUDA event (named so beside {@link dev.kairos.Event}, Kairos's own): for completion tracking
     * ({@link #createEvent}: no timing, blocking synchronisation) or for timing
     * ({@link #createTimingEvent}).
     */
    interface CudaEvent {}

    /** A loaded module. */
    interface Module {}

    /** A kernel of a loaded module. */
    interface Function {
        String name();
    }

    /** Where the bytes of one side of a copy are, as {@code CUmemorytype} says it. */
    enum MemoryType {
        /** Host memory, pageable or pinned: the address is a host address. */
        HOST,
        /** Device memory of the current context's device. */
        DEVICE,
        /** Any memory, found through unified addressing: for copies between devices. */
        UNIFIED
    }

    /**
     * What the probe reads about one device.
     *
     * @param unifiedAddressing {@code CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING}: host and device share
     *     one address space, so pinned host memory has its host address on the device too
     * @param memoryPools {@code CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED}: the stream-ordered
     *     allocator ({@link #allocateAsync}) works
     */
    record DeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, long totalMemory,
            boolean unifiedAddressing, boolean memoryPools) {
        /** {@code sm_90} for compute capability 9.0. */
        String architecture() {
            return "sm_" + computeMajor + computeMinor;
        }
    }

    /**
     * A contiguous copy of {@code bytes} from {@code source} to {@code destination}. A {@code HOST}
     * side may be pageable: CUDA stages a pageable source before the call returns, and returns from
     * a copy to pageable memory once it is done.
     */
    record Copy1D(MemoryType sourceType, long source, MemoryType destinationType, long destination, long bytes) {}

    /**
     * A pitched copy ({@code cuMemcpy2D}): {@code height} rows of {@code widthBytes}, row r read at
     * {@code source + r * sourcePitch} and written at {@code destination + r * destinationPitch}. A
     * strided field copy is one: a row per element, the strides as pitches.
     */
    record Copy2D(MemoryType sourceType, long source, long sourcePitch, MemoryType destinationType, long destination,
            long destinationPitch, long widthBytes, long height) {}

    /** {@code cuInit(0)}: the first call; loads the driver library. */
    void init();

    /** {@code cuDriverGetVersion}: e.g. 13000 for a driver that supports CUDA 13.0. */
    int driverVersion();

    /** {@code cuDeviceGetCount}. */
    int deviceCount();

    /** Name, compute capability and memory of a device; allocates nothing. */
    DeviceInfo device(int ordinal);

    /** {@code cuDevicePrimaryCtxRetain}. */
    Context retainPrimaryContext(int ordinal);

    /** {@code cuDevicePrimaryCtxRelease}. */
    void releasePrimaryContext(int ordinal);

    /** {@code cuCtxSetCurrent} on the calling thread; null makes no context current. */
    void setCurrent(Context context);

    /** {@code cuStreamCreate} with {@code CU_STREAM_NON_BLOCKING}, in the current context. */
    Stream createStream();

    /** {@code cuStreamDestroy}. */
    void destroyStream(Stream stream);

    /** {@code cuStreamSynchronize}. */
    void synchronizeStream(Stream stream);

    /** {@code cuModuleLoadData} of a NUL-terminated PTX image, in the current context. */
    Module loadModule(String name, byte[] image);

    /** {@code cuModuleUnload}. */
    void unloadModule(Module module);

    /** {@code cuModuleGetFunction}. */
    Function function(Module module, String name);

    /**
     * {@code cuLaunchKernel} with a one-dimensional grid and block and no dynamic shared memory.
     *
     * @param args the kernel's parameters in order, each a {@link Long} (a {@code long long} or a
     *     pointer), {@link Integer}, {@link Double} or {@link Float}
     */
    void launch(Function function, int gridX, int blockX, Stream stream, Object[] args);

    /** {@code cuEventCreate(CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC)}, in the current context. */
    CudaEvent createEvent();

    /**
     * {@code cuEventCreate(CU_EVENT_DEFAULT)}, in the current context: an event that records when the
     * device passes it, for {@link #elapsedMillis}. Waiting on it spins instead of sleeping.
     */
    CudaEvent createTimingEvent();

    /** {@code cuEventDestroy}. */
    void destroyEvent(CudaEvent event);

    /** {@code cuEventRecord}. */
    void recordEvent(CudaEvent event, Stream stream);

    /** {@code cuEventSynchronize}: blocks until the work recorded before the event is done. */
    void synchronizeEvent(CudaEvent event);

    /**
     * {@code cuEventElapsedTime}: the device time from {@code start} to {@code end}, in milliseconds
     * (about 0.5 µs resolution). Both must be timing events that have been recorded and completed.
     */
    float elapsedMillis(CudaEvent start, CudaEvent end);

    /** {@code cuMemAlloc} in the current context; returns the device address. */
    long allocate(long bytes);

    /** {@code cuMemFree}: waits for the device's work first. */
    void free(long deviceAddress);

    /**
     * {@code cuMemAllocAsync} on {@code stream}: device memory for the work enqueued on the stream
     * after this call, from the device's memory pool, without synchronising anything.
     */
    long allocateAsync(long bytes, Stream stream);

    /** {@code cuMemFreeAsync}: gives the memory back once the stream's work enqueued so far is done. */
    void freeAsync(long deviceAddress, Stream stream);

    /**
     * {@code cuMemHostRegister(CU_MEMHOSTREGISTER_DEVICEMAP | CU_MEMHOSTREGISTER_PORTABLE)}: pins
     * {@code bytes} of host memory at {@code hostAddress} and maps them for every context.
     */
    void registerHost(long hostAddress, long bytes);

    /** {@code cuMemHostUnregister}. */
    void unregisterHost(long hostAddress);

    /** {@code cuMemHostGetDevicePointer}: the device address of pinned, mapped host memory. */
    long hostDevicePointer(long hostAddress);

    /**
     * {@code cuMemcpyHtoDAsync}, {@code cuMemcpyDtoHAsync}, {@code cuMemcpyDtoDAsync} or, for a
     * {@code UNIFIED} side, {@code cuMemcpyAsync}, on {@code stream}. Kairos issues no copy on the
     * legacy default stream: its streams are non-blocking, so nothing would order such a copy with
     * their work.
     */
    void copy(Copy1D copy, Stream stream);

    /** {@code cuMemcpy2DAsync} on {@code stream}. */
    void copy(Copy2D copy, Stream stream);
}
