package dev.kairos.cuda;

import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import java.nio.charset.StandardCharsets;

/**
 * {@link CudaDriver} over JCuda's driver API ({@code jcuda.driver.JCudaDriver}), the only class
 * that calls it. The first call, {@link #init()}, opens {@code libcuda.so.1} ({@link DriverLibrary})
 * and then loads JCuda's native library, which links it: without an NVIDIA driver it throws
 * {@link UnsatisfiedLinkError} (and every later touch {@link NoClassDefFoundError}); the probe
 * catches that {@link LinkageError}.
 *
 * <p>JCuda is used with its exceptions off (its default): each result is checked here and turned
 * into a {@link CudaException} that names the call.
 *
 * <p>Addresses cross into JCuda as pointer objects, and JCuda treats the two kinds differently. A
 * device address is a {@link CUdeviceptr} with a null base and the address as byte offset, which
 * JCuda adds up. A host address must be a {@link Pointer} that holds it as its native pointer
 * ({@link HostPointer}): JCuda's native code rejects a host pointer with neither a native pointer
 * nor a direct buffer ("Pointer must point to a direct buffer or native memory") before CUDA is
 * called, so the null-base form fails for every host side. And no call here lets JCuda wrap a
 * result in a {@link java.nio.ByteBuffer} (as its {@code cuMemHostAlloc} does), whose 2 GiB limit
 * would fail a larger allocation after the driver has made it.
 */
final class JCudaDriverApi implements CudaDriver {
    private static final int CUDA_SUCCESS = CUresult.CUDA_SUCCESS;

    private record JContext(CUcontext context) implements Context {}

    private static final class JStream extends CUstream implements Stream {
        @Override
        public long handle() {
            return getNativePointer();
        }
    }

    private record JEvent(CUevent event) implements CudaEvent {}

    private record JModule(String name, CUmodule module) implements Module {}

    private record JFunction(String name, CUfunction function) implements Function {}

    /** A device pointer JCuda can read back: exposes the address CUDA wrote into it. */
    private static final class AddressOut extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /**
     * The error of the first attempt to load JCuda's native library in this JVM. A class whose
     * initialiser failed answers every later touch with a {@link NoClassDefFoundError} that carries
     * the first error's text cut to about 2 000 characters, which loses the loader's last line (the
     * one that names {@code libcuda.so.1}); later attempts rethrow the first error instead.
     */
    private static volatile LinkageError firstLoadFailure;

    @Override
    public void init() {
        LinkageError earlier = firstLoadFailure;
        if (earlier != null) {
            throw earlier;
        }
        try {
            DriverLibrary.open();
            check(JCudaDriver.cuInit(0), "cuInit");
        } catch (LinkageError e) {
            firstLoadFailure = e;
            throw e;
        }
    }

    @Override
    public int driverVersion() {
        int[] version = new int[1];
        check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        return version[0];
    }

    @Override
    public int deviceCount() {
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    @Override
    public DeviceInfo device(int ordinal) {
        CUdevice device = device(ordinal, "cuDeviceGet");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName(device=" + ordinal + ")");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        long[] memory = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(memory, device), "cuDeviceTotalMem(device=" + ordinal + ")");
        return new DeviceInfo(ordinal, new String(name, 0, length, StandardCharsets.UTF_8),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, ordinal),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, ordinal),
                memory[0],
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, ordinal) != 0,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, ordinal) != 0);
    }

    private static int attribute(CUdevice device, int attribute, int ordinal) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device),
                "cuDeviceGetAttribute(" + CUdevice_attribute.stringFor(attribute) + ", device=" + ordinal + ")");
        return value[0];
    }

    private static CUdevice device(int ordinal, String operation) {
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, ordinal), operation + "(device=" + ordinal + ")");
        return device;
    }

    @Override
    public Context retainPrimaryContext(int ordinal) {
        CUdevice device = device(ordinal, "cuDeviceGet");
        CUcontext context = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(device=" + ordinal + ")");
        return new JContext(context);
    }

    @Override
    public void releasePrimaryContext(int ordinal) {
        CUdevice device = device(ordinal, "cuDeviceGet");
        check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease(device=" + ordinal + ")");
    }

    @Override
    public void setCurrent(Context context) {
        CUcontext ctx = context == null ? new CUcontext() : ((JContext) context).context();
        check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    }

    @Override
    public Stream createStream() {
        JStream stream = new JStream();
        check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        return stream;
    }

    @Override
    public void destroyStream(Stream stream) {
        check(JCudaDriver.cuStreamDestroy((JStream) stream), "cuStreamDestroy");
    }

    @Override
    public void synchronizeStream(Stream stream) {
        check(JCudaDriver.cuStreamSynchronize((JStream) stream), "cuStreamSynchronize");
    }

    @Override
    public Module loadModule(String name, byte[] image) {
        CUmodule module = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(module, image), "cuModuleLoadData(" + name + ")");
        return new JModule(name, module);
    }

    @Override
    public void unloadModule(Module module) {
        JModule m = (JModule) module;
        check(JCudaDriver.cuModuleUnload(m.module()), "cuModuleUnload(" + m.name() + ")");
    }

    @Override
    public Function function(Module module, String name) {
        JModule m = (JModule) module;
        CUfunction function = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(function, m.module(), name), "cuModuleGetFunction(" + m.name() + "." + name + ")");
        return new JFunction(name, function);
    }

    @Override
    public void launch(Function function, int gridX, int blockX, Stream stream, Object[] args) {
        JFunction f = (JFunction) function;
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Long l -> Pointer.to(new long[] {l});
                case Integer n -> Pointer.to(new int[] {n});
                case Double d -> Pointer.to(new double[] {d});
                case Float x -> Pointer.to(new float[] {x});
                default -> throw new IllegalArgumentException("kernel " + f.name() + " argument " + i + " has type "
                        + args[i].getClass().getName() + "; the driver takes Long, Integer, Double or Float");
            };
        }
        check(JCudaDriver.cuLaunchKernel(f.function(), gridX, 1, 1, blockX, 1, 1, 0, (JStream) stream,
                Pointer.to(params), null), "cuLaunchKernel(" + f.name() + ")");
    }

    @Override
    public CudaEvent createEvent() {
        CUevent event = new CUevent();
        check(JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING | CUevent_flags.CU_EVENT_BLOCKING_SYNC),
                "cuEventCreate");
        return new JEvent(event);
    }

    @Override
    public CudaEvent createTimingEvent() {
        CUevent event = new CUevent();
        check(JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate(CU_EVENT_DEFAULT)");
        return new JEvent(event);
    }

    @Override
    public void destroyEvent(CudaEvent event) {
        check(JCudaDriver.cuEventDestroy(((JEvent) event).event()), "cuEventDestroy");
    }

    @Override
    public void recordEvent(CudaEvent event, Stream stream) {
        check(JCudaDriver.cuEventRecord(((JEvent) event).event(), (JStream) stream), "cuEventRecord");
    }

    @Override
    public void synchronizeEvent(CudaEvent event) {
        check(JCudaDriver.cuEventSynchronize(((JEvent) event).event()), "cuEventSynchronize");
    }

    @Override
    public float elapsedMillis(CudaEvent start, CudaEvent end) {
        float[] millis = new float[1];
        check(JCudaDriver.cuEventElapsedTime(millis, ((JEvent) start).event(), ((JEvent) end).event()), "cuEventElapsedTime");
        return millis[0];
    }

    @Override
    public long allocate(long bytes) {
        AddressOut pointer = new AddressOut();
        check(JCudaDriver.cuMemAlloc(pointer, bytes), "cuMemAlloc(bytes=" + bytes + ")");
        return pointer.address();
    }

    @Override
    public void free(long deviceAddress) {
        check(JCudaDriver.cuMemFree(device(deviceAddress)), "cuMemFree");
    }

    @Override
    public long allocateAsync(long bytes, Stream stream) {
        AddressOut pointer = new AddressOut();
        check(JCudaDriver.cuMemAllocAsync(pointer, bytes, (JStream) stream), "cuMemAllocAsync(bytes=" + bytes + ")");
        return pointer.address();
    }

    @Override
    public void freeAsync(long deviceAddress, Stream stream) {
        check(JCudaDriver.cuMemFreeAsync(device(deviceAddress), (JStream) stream), "cuMemFreeAsync");
    }

    @Override
    public void registerHost(long hostAddress, long bytes) {
        check(JCudaDriver.cuMemHostRegister(new HostPointer(hostAddress), bytes,
                JCudaDriver.CU_MEMHOSTREGISTER_DEVICEMAP | JCudaDriver.CU_MEMHOSTREGISTER_PORTABLE),
                "cuMemHostRegister(bytes=" + bytes + ", DEVICEMAP|PORTABLE)");
    }

    @Override
    public void unregisterHost(long hostAddress) {
        check(JCudaDriver.cuMemHostUnregister(new HostPointer(hostAddress)), "cuMemHostUnregister");
    }

    @Override
    public long hostDevicePointer(long hostAddress) {
        AddressOut pointer = new AddressOut();
        check(JCudaDriver.cuMemHostGetDevicePointer(pointer, new HostPointer(hostAddress), 0), "cuMemHostGetDevicePointer");
        return pointer.address();
    }

    @Override
    public void copy(Copy1D c, Stream stream) {
        JStream s = (JStream) stream;
        String what = "Async(bytes=" + c.bytes() + ")";
        if (c.sourceType() == MemoryType.UNIFIED || c.destinationType() == MemoryType.UNIFIED) {
            check(JCudaDriver.cuMemcpyAsync(device(c.destination()), device(c.source()), c.bytes(), s), "cuMemcpy" + what);
        } else if (c.sourceType() == MemoryType.HOST && c.destinationType() == MemoryType.DEVICE) {
            check(JCudaDriver.cuMemcpyHtoDAsync(device(c.destination()), new HostPointer(c.source()), c.bytes(), s),
                    "cuMemcpyHtoD" + what);
        } else if (c.sourceType() == MemoryType.DEVICE && c.destinationType() == MemoryType.HOST) {
            check(JCudaDriver.cuMemcpyDtoHAsync(new HostPointer(c.destination()), device(c.source()), c.bytes(), s),
                    "cuMemcpyDtoH" + what);
        } else if (c.sourceType() == MemoryType.DEVICE && c.destinationType() == MemoryType.DEVICE) {
            check(JCudaDriver.cuMemcpyDtoDAsync(device(c.destination()), device(c.source()), c.bytes(), s), "cuMemcpyDtoD" + what);
        } else {
            throw new IllegalArgumentException("host-to-host copies do not go through CUDA: " + c);
        }
    }

    @Override
    public void copy(Copy2D c, Stream stream) {
        CUDA_MEMCPY2D p = new CUDA_MEMCPY2D();
        p.srcMemoryType = memoryType(c.sourceType());
        p.srcPitch = c.sourcePitch();
        if (c.sourceType() == MemoryType.HOST) {
            p.srcHost = new HostPointer(c.source());
        } else {
            p.srcDevice = device(c.source());
        }
        p.dstMemoryType = memoryType(c.destinationType());
        p.dstPitch = c.destinationPitch();
        if (c.destinationType() == MemoryType.HOST) {
            p.dstHost = new HostPointer(c.destination());
        } else {
            p.dstDevice = device(c.destination());
        }
        p.WidthInBytes = c.widthBytes();
        p.Height = c.height();
        check(JCudaDriver.cuMemcpy2DAsync(p, (JStream) stream), "cuMemcpy2DAsync(width=" + c.widthBytes() + " height="
                + c.height() + " srcPitch=" + c.sourcePitch() + " dstPitch=" + c.destinationPitch() + ")");
    }

    private static int memoryType(MemoryType type) {
        return switch (type) {
            case HOST -> CUmemorytype.CU_MEMORYTYPE_HOST;
            case DEVICE -> CUmemorytype.CU_MEMORYTYPE_DEVICE;
            case UNIFIED -> CUmemorytype.CU_MEMORYTYPE_UNIFIED;
        };
    }

    private static CUdeviceptr device(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    /** A host address as JCuda passes it on: its native pointer. */
    private static final class HostPointer extends Pointer {
        HostPointer(long address) {
            super(address);
        }
    }

    /** The name of a {@code CUresult}, e.g. {@code CUDA_ERROR_ILLEGAL_ADDRESS}; pure Java, no driver needed. */
    static String errorName(int result) {
        return CUresult.stringFor(result);
    }

    private static void check(int result, String operation) {
        if (result != CUDA_SUCCESS) {
            throw new CudaException(operation, result, errorName(result));
        }
    }
}
