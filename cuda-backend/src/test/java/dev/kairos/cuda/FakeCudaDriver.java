package dev.kairos.cuda;

import dev.kairos.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A TEST DOUBLE of the CUDA driver: no GPU is involved, and nothing a test proves through it is a
 * GPU result. It stands behind the {@link CudaDriver} seam so that the backend's own logic (probe
 * outcomes, arena setup and teardown, completion tracking, error mapping, sticky failures, the
 * arithmetic of copies and kernel arguments) can be tested on any machine.
 *
 * <p>What it models, after the CUDA documentation:
 * <ul>
 *   <li>Contexts: a primary context per device, retained and released; calls that need a current
 *       context fail with {@code CUDA_ERROR_INVALID_CONTEXT} on a thread that has none.
 *   <li>Memory: device allocations are host memory here, so copies really move bytes. The devices
 *       report no unified addressing: the device address of pinned host memory differs from its
 *       host address (bit 62 set), so code that mixes the two up fails. Typed copies check that a
 *       DEVICE side is device memory and a HOST side is not; a UNIFIED side may be either.
 *   <li>Streams: work runs in order. By default it runs at once; after {@link #hold()} it queues
 *       until the test calls {@link #runNext()} or {@link #runAll()}, so a test decides when the
 *       "device" gets there.
 *   <li>Device time: a clock that each piece of stream work (a kernel, a copy) advances by
 *       {@link #workTime} (10 µs unless set). A recorded event takes the clock's reading when the
 *       stream reaches it, and {@code cuEventElapsedTime} returns the difference, refusing as CUDA
 *       does: events created without timing or never recorded ({@code CUDA_ERROR_INVALID_HANDLE}),
 *       or not yet passed ({@code CUDA_ERROR_NOT_READY}).
 *   <li>Kernels: the launch checks the argument list against each kernel's C signature, and Java
 *       emulations of the update, verify and fill kernels (written from their {@code .cu} sources)
 *       run when the launch does. A kernel that touches an address outside every allocation
 *       faults with {@code CUDA_ERROR_ILLEGAL_ADDRESS}, which is sticky: the context answers every
 *       later call with it, and events recorded after the fault report it.
 *   <li>Planted failures: {@link #failNext} makes the next call of one operation fail;
 *       {@link #failSetCurrentOn} makes {@code cuCtxSetCurrent} fail on some threads;
 *       {@link #skipKernels} makes launches of some kernels succeed and do nothing.
 * </ul>
 * It keeps every resource it hands out until it is freed, so {@link #liveResources()} shows leaks,
 * and logs the calls on events, kernels and copies with their handles, so {@link #calls()} shows
 * what went to which stream in which order.
 */
public final class FakeCudaDriver implements CudaDriver {
    private static final int CUDA_ERROR_INVALID_VALUE = 1;
    private static final int CUDA_ERROR_INVALID_CONTEXT = 201;
    private static final int CUDA_ERROR_INVALID_HANDLE = 400;
    private static final int CUDA_ERROR_NOT_READY = 600;
    private static final int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
    /** Device addresses of pinned host memory: the host address with this bit set. */
    private static final long MAPPED_BIT = 1L << 62;
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(20);

    private static final Map<String, String> SIGNATURES = Map.of(
            Kernels.UPDATE_INT_FLOAT, "PLLLI",
            Kernels.UPDATE_LONG_DOUBLE, "PLLLL",
            Kernels.VERIFY_INT_FLOAT, "PLLLIPPP",
            Kernels.VERIFY_LONG_DOUBLE, "PLLLLPPP",
            Kernels.FILL_FIELD, "PLLILL",
            Kernels.COPY_FIELD, "PLPLLI");

    private final List<DeviceInfo> devices;
    private int driverVersion = CudaBackend.MIN_DRIVER_VERSION;
    private CudaException initFailure;

    // Everything below is guarded by this.
    private final Map<String, Integer> plannedFailures = new HashMap<>();
    private final Map<String, RuntimeException> plannedThrows = new HashMap<>();
    private final Set<String> skippedKernels = new java.util.HashSet<>();
    private String setCurrentFailsOn;
    private int setCurrentFailure;
    private final Map<Integer, FakeContext> contexts = new HashMap<>();
    private final ThreadLocal<FakeContext> current = new ThreadLocal<>();
    private final Set<Object> streams = new LinkedHashSet<>();
    private final Set<Object> events = new LinkedHashSet<>();
    private final Set<Object> modules = new LinkedHashSet<>();
    private final TreeMap<Long, Allocation> allocations = new TreeMap<>();
    private final ArrayDeque<Op> queued = new ArrayDeque<>();
    private final List<Launch> launches = new ArrayList<>();
    private boolean hold;
    private long allocatingCalls;
    private final List<String> calls = new ArrayList<>();
    private int eventNumbers;
    /** The device clock, in nanoseconds. */
    private long deviceNanos;
    /** Device time of one piece of stream work, in nanoseconds: 10 µs unless {@link #workTime} says otherwise. */
    private long workNanos = 10_000;

    /** A launch as the driver saw it. */
    public record Launch(String kernel, int gridX, int blockX, List<Object> args) {}

    /** {@code arena} is null for registered host memory, which the caller owns. */
    private record Allocation(long address, long bytes, boolean host, FakeContext context, Arena arena) {
        boolean contains(long from, long length) {
            return from >= address && length >= 0 && from + length <= address + bytes;
        }
    }

    private static final class FakeContext implements Context {
        final int ordinal;
        int references;
        Integer sticky;

        FakeContext(int ordinal) {
            this.ordinal = ordinal;
        }
    }

    private static final class FakeStream implements Stream {
        private static long handles = 0x5000;
        final FakeContext context;
        final long handle = ++handles;

        FakeStream(FakeContext context) {
            this.context = context;
        }

        @Override
        public long handle() {
            return handle;
        }
    }

    private static final class FakeEvent implements CudaEvent {
        final FakeContext context;
        final int number;
        final boolean timing;
        boolean recorded;
        boolean complete = true;
        Integer error;
        /** The device clock when the stream reached the event. */
        long at;

        FakeEvent(FakeContext context, int number, boolean timing) {
            this.context = context;
            this.number = number;
            this.timing = timing;
        }

        @Override
        public String toString() {
            return "e" + number;
        }
    }

    private record FakeModule(String name, FakeContext context) implements Module {}

    private record FakeFunction(String name, FakeContext context) implements Function {}

    private record Op(FakeStream stream, String what, Runnable work) {}

    public FakeCudaDriver(DeviceInfo... devices) {
        this.devices = List.of(devices);
    }

    /** A device as {@code cuDeviceGet*} would describe it. */
    public static DeviceInfo device(int ordinal, String name, int major, int minor, long totalMemory) {
        return new DeviceInfo(ordinal, name, major, minor, totalMemory, false, true);
    }

    /** One H100-like device with 80 GiB. */
    public static FakeCudaDriver oneGpu() {
        return new FakeCudaDriver(device(0, "Fake H100", 9, 0, 80L << 30));
    }

    // ---------------------------------------------------------------- test controls

    public synchronized FakeCudaDriver driverVersion(int version) {
        this.driverVersion = version;
        return this;
    }

    /** Makes {@code cuInit} fail with {@code code}. */
    public synchronized FakeCudaDriver initFails(int code, String name) {
        this.initFailure = new CudaException("cuInit", code, name);
        return this;
    }

    /** Makes the next call of {@code operation} (e.g. {@code cuMemAlloc}, {@code cuLaunchKernel}) fail with {@code code}. */
    public synchronized void failNext(String operation, int code) {
        plannedFailures.put(operation, code);
    }

    /** Makes the next call of {@code operation} throw {@code thrown}, as a binding that refuses an argument does. */
    public synchronized void throwNext(String operation, RuntimeException thrown) {
        plannedThrows.put(operation, thrown);
    }

    /**
     * From now on {@code cuCtxSetCurrent} of a context fails with {@code code} on every thread whose
     * name contains {@code threadName}.
     */
    public synchronized void failSetCurrentOn(String threadName, int code) {
        setCurrentFailsOn = threadName;
        setCurrentFailure = code;
    }

    /** From now on launches of {@code kernels} succeed and do nothing, as on a driver whose kernels do not run. */
    public synchronized FakeCudaDriver skipKernels(String... kernels) {
        skippedKernels.addAll(List.of(kernels));
        return this;
    }

    /** From now on stream work waits for {@link #runNext()} or {@link #runAll()}. */
    public synchronized void hold() {
        hold = true;
    }

    /** Runs queued stream work to the end and lets later work run at once again. */
    public synchronized void release() {
        hold = false;
        runAll();
    }

    /** Runs the oldest queued piece of stream work; returns what it was, or null if none. */
    public synchronized String runNext() {
        Op op = queued.poll();
        if (op == null) {
            return null;
        }
        execute(op);
        notifyAll();
        return op.what();
    }

    /** Runs every queued piece of stream work. */
    public synchronized void runAll() {
        while (runNext() != null) {
            // runNext does the work
        }
    }

    /** Waits until at least {@code pieces} of stream work are queued (after {@link #hold()}). */
    public synchronized void awaitQueued(int pieces) {
        awaitUntil(() -> queued.size() >= pieces, "awaitQueued(" + pieces + ")");
    }

    /** What is queued, oldest first. */
    public synchronized List<String> queued() {
        return queued.stream().map(Op::what).toList();
    }

    public synchronized List<Launch> launches() {
        return List.copyOf(launches);
    }

    /** Sets the device time each piece of stream work (a kernel, a copy) takes from now on. */
    public synchronized FakeCudaDriver workTime(Duration perPiece) {
        workNanos = perPiece.toNanos();
        return this;
    }

    /**
     * The calls on events, kernels and copies so far, oldest first, e.g.
     * {@code cuEventCreate(CU_EVENT_DEFAULT) = e3}, {@code cuEventRecord(e3) on stream 0x5001},
     * {@code cuLaunchKernel(update_int_float) on stream 0x5001},
     * {@code cuMemcpy(UNIFIED to UNIFIED, bytes=16) on stream 0x5001}, {@code cuEventSynchronize(e3)},
     * {@code cuEventElapsedTime(e3, e4)}, {@code cuEventDestroy(e3)}.
     */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Calls that would allocate device or host resources, made so far. */
    public synchronized long allocatingCalls() {
        return allocatingCalls;
    }

    /** Everything handed out and not yet freed or released. */
    public synchronized List<String> liveResources() {
        List<String> live = new ArrayList<>();
        contexts.values().stream().filter(c -> c.references > 0)
                .forEach(c -> live.add("primary context of device " + c.ordinal + " (references=" + c.references + ")"));
        streams.forEach(s -> live.add("stream " + s));
        events.forEach(e -> live.add("event " + e));
        modules.forEach(m -> live.add("module " + m));
        allocations.values().forEach(a -> live.add((a.host() ? "pinned host" : "device") + " memory of " + a.bytes() + " bytes"));
        return live;
    }

    /** The host view of device (or pinned host) memory, for tests that look at "device" bytes. */
    public synchronized MemorySegment memory(long address, long bytes) {
        return resolve(address, bytes);
    }

    // ---------------------------------------------------------------- CudaDriver

    @Override
    public synchronized void init() {
        if (initFailure != null) {
            throw initFailure;
        }
    }

    @Override
    public synchronized int driverVersion() {
        return driverVersion;
    }

    @Override
    public synchronized int deviceCount() {
        return devices.size();
    }

    @Override
    public synchronized DeviceInfo device(int ordinal) {
        return devices.get(ordinal);
    }

    @Override
    public synchronized Context retainPrimaryContext(int ordinal) {
        planned("cuDevicePrimaryCtxRetain");
        allocatingCalls++;
        FakeContext context = contexts.computeIfAbsent(ordinal, FakeContext::new);
        context.references++;
        return context;
    }

    @Override
    public synchronized void releasePrimaryContext(int ordinal) {
        FakeContext context = contexts.get(ordinal);
        if (context == null || context.references == 0) {
            throw new CudaException("cuDevicePrimaryCtxRelease", CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT");
        }
        if (--context.references == 0) {
            // The context is destroyed and a new retain starts afresh. What it held stays listed in
            // liveResources(): the backend is expected to free everything itself.
            contexts.remove(ordinal);
        }
    }

    @Override
    public synchronized void setCurrent(Context context) {
        planned("cuCtxSetCurrent");
        if (context != null && setCurrentFailsOn != null && Thread.currentThread().getName().contains(setCurrentFailsOn)) {
            throw new CudaException("cuCtxSetCurrent", setCurrentFailure, JCudaDriverApi.errorName(setCurrentFailure));
        }
        current.set((FakeContext) context);
    }

    @Override
    public synchronized Stream createStream() {
        FakeContext context = requireContext("cuStreamCreate");
        allocatingCalls++;
        FakeStream stream = new FakeStream(context);
        streams.add(stream);
        return stream;
    }

    @Override
    public synchronized void destroyStream(Stream stream) {
        requireContext("cuStreamDestroy");
        streams.remove(stream);
    }

    @Override
    public synchronized void synchronizeStream(Stream stream) {
        FakeStream s = (FakeStream) stream;
        checkSticky(s.context, "cuStreamSynchronize");
        awaitUntil(() -> queued.stream().noneMatch(op -> op.stream() == s), "cuStreamSynchronize");
        checkSticky(s.context, "cuStreamSynchronize");
    }

    @Override
    public synchronized Module loadModule(String name, byte[] image) {
        FakeContext context = requireContext("cuModuleLoadData");
        if (image.length == 0 || image[image.length - 1] != 0) {
            throw new CudaException("cuModuleLoadData(" + name + ")", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE (image without NUL)");
        }
        allocatingCalls++;
        FakeModule module = new FakeModule(name, context);
        modules.add(module);
        return module;
    }

    @Override
    public synchronized void unloadModule(Module module) {
        requireContext("cuModuleUnload");
        modules.remove(module);
    }

    @Override
    public synchronized Function function(Module module, String name) {
        FakeModule m = (FakeModule) module;
        if (!Kernels.functions(m.name()).contains(name)) {
            throw new CudaException("cuModuleGetFunction(" + m.name() + "." + name + ")", 500, "CUDA_ERROR_NOT_FOUND");
        }
        return new FakeFunction(name, m.context());
    }

    @Override
    public synchronized void launch(Function function, int gridX, int blockX, Stream stream, Object[] args) {
        FakeFunction f = (FakeFunction) function;
        String operation = "cuLaunchKernel(" + f.name() + ")";
        calls.add(operation + on(stream));
        FakeContext context = requireContext(operation);
        planned(operation);
        checkSignature(f.name(), operation, args);
        launches.add(new Launch(f.name(), gridX, blockX, List.of(args)));
        Object[] copy = args.clone();
        boolean skipped = skippedKernels.contains(f.name());
        enqueue((FakeStream) stream, operation, () -> {
            if (!skipped) {
                emulate(context, f.name(), copy);
            }
        });
    }

    @Override
    public synchronized CudaEvent createEvent() {
        return newEvent(false, "cuEventCreate(CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC)");
    }

    @Override
    public synchronized CudaEvent createTimingEvent() {
        return newEvent(true, "cuEventCreate(CU_EVENT_DEFAULT)");
    }

    private FakeEvent newEvent(boolean timing, String operation) {
        FakeContext context = requireContext(operation);
        planned(operation);
        allocatingCalls++;
        FakeEvent event = new FakeEvent(context, ++eventNumbers, timing);
        events.add(event);
        calls.add(operation + " = " + event);
        return event;
    }

    @Override
    public synchronized void destroyEvent(CudaEvent event) {
        calls.add("cuEventDestroy(" + event + ")");
        requireContext("cuEventDestroy");
        events.remove(event);
    }

    @Override
    public synchronized void recordEvent(CudaEvent event, Stream stream) {
        FakeEvent e = (FakeEvent) event;
        calls.add("cuEventRecord(" + e + ")" + on(stream));
        requireContext("cuEventRecord");
        planned("cuEventRecord");
        e.recorded = true;
        e.complete = false;
        e.error = null;
        enqueue((FakeStream) stream, "cuEventRecord", () -> {
            e.complete = true;
            e.error = e.context.sticky;
            e.at = deviceNanos;
        });
    }

    @Override
    public synchronized void synchronizeEvent(CudaEvent event) {
        FakeEvent e = (FakeEvent) event;
        calls.add("cuEventSynchronize(" + e + ")");
        planned("cuEventSynchronize");
        awaitUntil(() -> e.complete, "cuEventSynchronize");
        if (e.error != null) {
            throw new CudaException("cuEventSynchronize", e.error, JCudaDriverApi.errorName(e.error));
        }
    }

    @Override
    public synchronized float elapsedMillis(CudaEvent start, CudaEvent end) {
        FakeEvent s = (FakeEvent) start;
        FakeEvent e = (FakeEvent) end;
        calls.add("cuEventElapsedTime(" + s + ", " + e + ")");
        planned("cuEventElapsedTime");
        checkSticky(e.context, "cuEventElapsedTime");
        if (!s.timing || !e.timing || !s.recorded || !e.recorded) {
            throw new CudaException("cuEventElapsedTime", CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE");
        }
        if (!s.complete || !e.complete) {
            throw new CudaException("cuEventElapsedTime", CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY");
        }
        return (e.at - s.at) / 1e6f;
    }

    @Override
    public synchronized long allocate(long bytes) {
        String operation = "cuMemAlloc(bytes=" + bytes + ")";
        FakeContext context = requireContext(operation);
        planned(operation);
        allocatingCalls++;
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(bytes, 256);
        allocations.put(segment.address(), new Allocation(segment.address(), bytes, false, context, arena));
        return segment.address();
    }

    @Override
    public synchronized void free(long deviceAddress) {
        requireContext("cuMemFree");
        Allocation a = allocations.get(deviceAddress);
        if (a == null || a.host()) {
            throw new CudaException("cuMemFree", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
        allocations.remove(deviceAddress);
        a.arena().close();
    }

    @Override
    public synchronized long allocateAsync(long bytes, Stream stream) {
        String operation = "cuMemAllocAsync(bytes=" + bytes + ")";
        calls.add(operation + on(stream));
        FakeContext context = requireContext(operation);
        planned(operation);
        allocatingCalls++;
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(bytes, 256);
        allocations.put(segment.address(), new Allocation(segment.address(), bytes, false, context, arena));
        return segment.address();
    }

    @Override
    public synchronized void freeAsync(long deviceAddress, Stream stream) {
        calls.add("cuMemFreeAsync" + on(stream));
        requireContext("cuMemFreeAsync");
        Allocation a = allocations.get(deviceAddress);
        if (a == null || a.host()) {
            throw new CudaException("cuMemFreeAsync", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
        enqueue((FakeStream) stream, "cuMemFreeAsync", () -> {
            allocations.remove(deviceAddress);
            a.arena().close();
        });
    }

    @Override
    public synchronized void registerHost(long hostAddress, long bytes) {
        FakeContext context = requireContext("cuMemHostRegister");
        planned("cuMemHostRegister");
        allocatingCalls++;
        allocations.put(hostAddress, new Allocation(hostAddress, bytes, true, context, null));
    }

    @Override
    public synchronized void unregisterHost(long hostAddress) {
        requireContext("cuMemHostUnregister");
        Allocation a = allocations.get(hostAddress);
        if (a == null || !a.host()) {
            throw new CudaException("cuMemHostUnregister", 713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED");
        }
        allocations.remove(hostAddress);
    }

    @Override
    public synchronized long hostDevicePointer(long hostAddress) {
        requireContext("cuMemHostGetDevicePointer");
        Allocation a = allocations.get(hostAddress);
        if (a == null || !a.host()) {
            throw new CudaException("cuMemHostGetDevicePointer", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
        return hostAddress | MAPPED_BIT;
    }

    @Override
    public synchronized void copy(Copy1D c, Stream stream) {
        calls.add("cuMemcpy(" + c.sourceType() + " to " + c.destinationType() + ", bytes=" + c.bytes() + ")" + on(stream));
        FakeContext context = requireContext("cuMemcpy");
        planned("cuMemcpy");
        MemorySegment source = side(c.sourceType(), c.source(), c.bytes(), context);
        MemorySegment destination = side(c.destinationType(), c.destination(), c.bytes(), context);
        enqueue((FakeStream) stream, "cuMemcpy(bytes=" + c.bytes() + ")",
                () -> MemorySegment.copy(source, 0, destination, 0, c.bytes()));
    }

    @Override
    public synchronized void copy(Copy2D c, Stream stream) {
        calls.add("cuMemcpy2D(" + c.sourceType() + " to " + c.destinationType() + ", height=" + c.height() + ")" + on(stream));
        FakeContext context = requireContext("cuMemcpy2D");
        planned("cuMemcpy2D");
        if (c.sourcePitch() < c.widthBytes() || c.destinationPitch() < c.widthBytes() || c.height() < 1) {
            throw new CudaException("cuMemcpy2D", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
        long sourceSpan = (c.height() - 1) * c.sourcePitch() + c.widthBytes();
        long destinationSpan = (c.height() - 1) * c.destinationPitch() + c.widthBytes();
        MemorySegment source = side(c.sourceType(), c.source(), sourceSpan, context);
        MemorySegment destination = side(c.destinationType(), c.destination(), destinationSpan, context);
        enqueue((FakeStream) stream, "cuMemcpy2D(height=" + c.height() + ")", () -> {
            for (long row = 0; row < c.height(); row++) {
                MemorySegment.copy(source, row * c.sourcePitch(), destination, row * c.destinationPitch(), c.widthBytes());
            }
        });
    }

    // ---------------------------------------------------------------- the model

    private FakeContext requireContext(String operation) {
        FakeContext context = current.get();
        if (context == null || context.references == 0) {
            throw new CudaException(operation, CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT");
        }
        checkSticky(context, operation);
        return context;
    }

    private static void checkSticky(FakeContext context, String operation) {
        if (context.sticky != null) {
            throw new CudaException(operation, context.sticky, JCudaDriverApi.errorName(context.sticky));
        }
    }

    /** Throws the failure planned for {@code operation}'s call name (the part before any parenthesis). */
    private void planned(String operation) {
        int paren = operation.indexOf('(');
        String name = paren < 0 ? operation : operation.substring(0, paren);
        RuntimeException thrown = plannedThrows.remove(name);
        if (thrown != null) {
            throw thrown;
        }
        Integer code = plannedFailures.remove(name);
        if (code != null) {
            throw new CudaException(operation, code, JCudaDriverApi.errorName(code));
        }
    }

    /** Where a call's work goes, for {@link #calls()}. */
    private static String on(Stream stream) {
        return " on stream 0x" + Long.toHexString(stream.handle());
    }

    private void enqueue(FakeStream stream, String what, Runnable call) {
        Runnable work = what.equals("cuEventRecord") ? call : () -> {
            call.run();
            deviceNanos += workNanos;
        };
        Op op = new Op(stream, what, work);
        if (!hold) {
            execute(op);
            notifyAll();
            return;
        }
        queued.add(op);
        notifyAll();
    }

    private void execute(Op op) {
        FakeContext context = op.stream().context;
        if (context.sticky != null && !op.what().equals("cuEventRecord")) {
            return; // a faulted context runs no more work
        }
        try {
            op.work().run();
        } catch (IllegalAddress e) {
            context.sticky = CUDA_ERROR_ILLEGAL_ADDRESS;
        }
    }

    private void awaitUntil(java.util.function.BooleanSupplier done, String operation) {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("fake CUDA: " + operation + " waited " + SYNC_TIMEOUT
                        + " for held stream work; the test must runNext()/runAll(). Queued: " + queued());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in " + operation, e);
            }
        }
    }

    /** One side of a typed copy, checked the way the driver would. */
    private MemorySegment side(MemoryType type, long address, long bytes, FakeContext context) {
        boolean mapped = (address & MAPPED_BIT) != 0;
        long host = address & ~MAPPED_BIT;
        Allocation a = allocationAt(host, bytes);
        boolean ok = switch (type) {
            case DEVICE -> !mapped && a != null && !a.host() && a.context() == context;
            case HOST -> !mapped && (a == null || a.host());
            case UNIFIED -> a != null && a.host() == mapped;
        };
        if (!ok) {
            throw new CudaException("cuMemcpy: " + type + " side at 0x" + Long.toHexString(address) + " (" + bytes + " bytes) is "
                    + (a == null ? "no allocation" : a.host() ? "pinned host memory" : "device memory"),
                    CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
        return MemorySegment.ofAddress(host).reinterpret(bytes);
    }

    private Allocation allocationAt(long address, long bytes) {
        var entry = allocations.floorEntry(address);
        return entry != null && entry.getValue().contains(address, bytes) ? entry.getValue() : null;
    }

    /** The bytes a kernel reaches at a device address: device memory, or pinned host memory by its mapped address. */
    private MemorySegment resolve(long address, long bytes) {
        long host = address & ~MAPPED_BIT;
        Allocation a = allocationAt(host, bytes);
        if (a == null || a.host() != ((address & MAPPED_BIT) != 0)) {
            throw new IllegalAddress();
        }
        return MemorySegment.ofAddress(host).reinterpret(bytes);
    }

    private static final class IllegalAddress extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IllegalAddress() {
            super(null, null, false, false);
        }
    }

    private static void checkSignature(String kernel, String operation, Object[] args) {
        String signature = SIGNATURES.get(kernel);
        StringBuilder actual = new StringBuilder();
        for (Object a : args) {
            actual.append(a instanceof Long ? 'L' : a instanceof Integer ? 'I' : '?');
        }
        if (!signature.replace('P', 'L').contentEquals(actual)) {
            throw new CudaException(operation + ": arguments " + actual + " do not match " + signature + " " + Arrays.toString(args),
                    CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE");
        }
    }

    // ---------------------------------------------------------------- kernel emulations (from kernels/src/main/cuda)

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private void emulate(FakeContext context, String kernel, Object[] a) {
        switch (kernel) {
            case Kernels.UPDATE_INT_FLOAT -> {
                long base = (Long) a[0], lo = (Long) a[1], count = (Long) a[2], stride = (Long) a[3];
                int add = (Integer) a[4];
                for (long i = 0; i < count; i++) {
                    MemorySegment e = resolve(base + i * stride, 8);
                    long v = lo + i + add;
                    e.set(INT, 0, (int) v);
                    e.set(FLOAT, 4, (float) (v + 1));
                }
            }
            case Kernels.UPDATE_LONG_DOUBLE -> {
                long base = (Long) a[0], lo = (Long) a[1], count = (Long) a[2], stride = (Long) a[3], add = (Long) a[4];
                for (long i = 0; i < count; i++) {
                    MemorySegment e = resolve(base + i * stride, 16);
                    long v = lo + i + add;
                    e.set(LONG, 0, v);
                    e.set(DOUBLE, 8, (double) (v + 1));
                }
            }
            case Kernels.VERIFY_INT_FLOAT -> {
                long base = (Long) a[0], lo = (Long) a[1], count = (Long) a[2], stride = (Long) a[3];
                int add = (Integer) a[4];
                for (long i = 0; i < count; i++) {
                    MemorySegment e = resolve(base + i * stride, 8);
                    long v = lo + i + add;
                    if (e.get(INT, 0) != (int) v || e.get(FLOAT, 4) != (float) (v + 1)) {
                        mismatch(i, (Long) a[5], (Long) a[6]);
                    }
                }
                checked((Long) a[7], count);
            }
            case Kernels.VERIFY_LONG_DOUBLE -> {
                long base = (Long) a[0], lo = (Long) a[1], count = (Long) a[2], stride = (Long) a[3], add = (Long) a[4];
                for (long i = 0; i < count; i++) {
                    MemorySegment e = resolve(base + i * stride, 16);
                    long v = lo + i + add;
                    if (e.get(LONG, 0) != v || e.get(DOUBLE, 8) != (double) (v + 1)) {
                        mismatch(i, (Long) a[5], (Long) a[6]);
                    }
                }
                checked((Long) a[7], count);
            }
            case Kernels.FILL_FIELD -> {
                long base = (Long) a[0], count = (Long) a[1], stride = (Long) a[2];
                int size = (Integer) a[3];
                long v0 = (Long) a[4], v1 = (Long) a[5];
                if (size < 1 || size > Kernels.FILL_MAX_VALUE_SIZE) {
                    return;
                }
                for (long i = 0; i < count; i++) {
                    MemorySegment e = resolve(base + i * stride, size);
                    for (int b = 0; b < size; b++) {
                        long word = b < 8 ? v0 : v1;
                        e.set(ValueLayout.JAVA_BYTE, b, (byte) (word >>> (8 * (b % 8))));
                    }
                }
            }
            case Kernels.COPY_FIELD -> {
                long source = (Long) a[0], sourceStride = (Long) a[1], destination = (Long) a[2], destinationStride = (Long) a[3];
                long count = (Long) a[4];
                int size = (Integer) a[5];
                for (long i = 0; i < count; i++) {
                    MemorySegment.copy(resolve(source + i * sourceStride, size), 0, resolve(destination + i * destinationStride, size),
                            0, size);
                }
            }
            default -> throw new IllegalStateException("no emulation of " + kernel + " in context " + context.ordinal);
        }
    }

    private void checked(long counter, long points) {
        MemorySegment c = resolve(counter, 8);
        c.set(LONG, 0, c.get(LONG, 0) + points);
    }

    private void mismatch(long i, long mismatches, long firstBadIndex) {
        MemorySegment count = resolve(mismatches, 8);
        count.set(LONG, 0, count.get(LONG, 0) + 1);
        MemorySegment first = resolve(firstBadIndex, 8);
        first.set(LONG, 0, Math.min(first.get(LONG, 0), i));
    }
}
