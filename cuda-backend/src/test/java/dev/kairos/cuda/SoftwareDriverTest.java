package dev.kairos.cuda;

import static jcuda.driver.CUresult.CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED;
import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_HANDLE;
import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_PTX;
import static jcuda.driver.CUresult.CUDA_ERROR_INVALID_VALUE;
import static jcuda.driver.CUresult.CUDA_ERROR_NOT_FOUND;
import static jcuda.driver.CUresult.CUDA_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.kernels.Kernels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The software CUDA driver itself, called through JCuda as the backend calls it: the behaviour the
 * GPU tests rely on when they run on it (device addresses that are not host addresses, the legacy
 * stream's late work, staged pageable copies, the 2-D pitch rule, kernels known by their host build)
 * and the entry points of its model that the backend does not call (memsets, event queries, error
 * names, cuMemHostAlloc). Runs only on the software driver.
 */
@Tag("software-driver")
@Timeout(60)
class SoftwareDriverTest {
    private static final long DEVICE_OFFSET = 1L << 48;

    /** A device pointer whose address the test can read. */
    private static final class Address extends CUdeviceptr {
        long value() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A host pointer whose address the test can read. */
    private static final class HostAddress extends Pointer {
        long value() {
            return getNativePointer() + getByteOffset();
        }
    }

    private CUcontext context;
    private CUstream stream;

    @BeforeEach
    void currentContextAndStream() {
        SoftwareDriver.assumeLoaded();
        check(JCudaDriver.cuInit(0));
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, 0));
        context = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
        check(JCudaDriver.cuCtxSetCurrent(context));
        stream = new CUstream();
        check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
    }

    @AfterEach
    void releaseEverything() {
        if (context == null) {
            return;
        }
        check(JCudaDriver.cuCtxSetCurrent(context)); // a runtime started on this thread leaves none current
        check(JCudaDriver.cuStreamDestroy(stream));
        check(JCudaDriver.cuCtxSetCurrent(new CUcontext()));
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, 0));
        check(JCudaDriver.cuDevicePrimaryCtxRelease(device));
    }

    @Test
    void deviceAddressesAreNotHostAddressesAndTypedCopiesCheckEachSide() {
        Address device = new Address();
        check(JCudaDriver.cuMemAlloc(device, 64));
        byte[] host = new byte[64];
        assertThat(device.value()).isGreaterThanOrEqualTo(DEVICE_OFFSET);
        assertThat(JCudaDriver.cuMemcpyDtoH(Pointer.to(host), new CUdeviceptr().withByteOffset(device.value() - DEVICE_OFFSET), 64))
                .as("a host address given as the device side").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(host), device, 64));
        assertThat(host).as("fresh device memory is not zeroed").containsOnly((byte) 0xA5);
        check(JCudaDriver.cuMemFree(device));
        assertThat(JCudaDriver.cuMemFree(device)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
    }

    @Test
    void aSynchronousCopyFromPageableMemoryLandsOnlyWhenSomethingWaitsForTheLegacyStream() {
        CUdeviceptr device = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(device, 16));
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 1);
        ByteBuffer seen = ByteBuffer.allocateDirect(16);
        check(JCudaDriver.cuMemcpyHtoD(device, Pointer.to(ones), 16));
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(seen), device, 16, stream));
        assertThat(bytes(seen)).as("read on a non-blocking stream, before the legacy stream ran").containsOnly((byte) 0xA5);
        check(JCudaDriver.cuStreamSynchronize(null));
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(seen), device, 16, stream));
        assertThat(bytes(seen)).containsOnly((byte) 1);
        check(JCudaDriver.cuMemFree(device));
    }

    @Test
    void aPitchedCopyWithinADeviceRefusesPitchesThatCuMemAllocPitchWouldNotGive() {
        CUdeviceptr device = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(device, 4096));
        assertThat(JCudaDriver.cuMemcpy2DAsync(pitched(device, 32, device.withByteOffset(2048), 8, 8, 10, false), stream))
                .isEqualTo(CUDA_ERROR_INVALID_VALUE);
        ByteBuffer host = ByteBuffer.allocateDirect(80);
        byte[] rows = new byte[80];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (byte) i;
        }
        host.put(rows);
        CUDA_MEMCPY2D up = pitched(device, 32, null, 8, 8, 10, true);
        up.srcHost = Pointer.to(host);
        check(JCudaDriver.cuMemcpy2DAsync(up, stream));
        ByteBuffer down = ByteBuffer.allocateDirect(320);
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(down), device, 320, stream));
        byte[] back = bytes(down);
        for (int row = 0; row < 10; row++) {
            assertThat(Arrays.copyOfRange(back, 32 * row, 32 * row + 8)).isEqualTo(Arrays.copyOfRange(rows, 8 * row, 8 * row + 8));
        }
        check(JCudaDriver.cuMemFree(device));
    }

    @Test
    void setsFillDeviceMemoryWithEightSixteenAndThirtyTwoBitValues() {
        CUdeviceptr device = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(device, 256));
        check(JCudaDriver.cuMemsetD8(device, (byte) 0x11, 256));
        check(JCudaDriver.cuCtxSynchronize()); // the set went to the legacy stream, which nothing else waits for
        check(JCudaDriver.cuMemsetD16Async(device.withByteOffset(64), (short) 0x2233, 8, stream));
        check(JCudaDriver.cuMemsetD32Async(device.withByteOffset(128), 0x44556677, 4, stream));
        check(JCudaDriver.cuMemsetD2D8Async(device.withByteOffset(192), 16, (byte) 0x7F, 4, 2, stream));
        assertThat(JCudaDriver.cuMemsetD32(device.withByteOffset(2), 0, 1)).as("misaligned").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        ByteBuffer read = ByteBuffer.allocateDirect(256);
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(read), device, 256, stream));
        byte[] bytes = bytes(read);
        assertThat(bytes[0]).isEqualTo((byte) 0x11);
        assertThat(Arrays.copyOfRange(bytes, 64, 66)).containsExactly(0x33, 0x22);
        assertThat(Arrays.copyOfRange(bytes, 128, 132)).containsExactly(0x77, 0x66, 0x55, 0x44);
        assertThat(Arrays.copyOfRange(bytes, 192, 197)).containsExactly(0x7F, 0x7F, 0x7F, 0x7F, 0x11);
        assertThat(bytes[208]).isEqualTo((byte) 0x7F);
        check(JCudaDriver.cuMemFree(device));
    }

    @Test
    void eventsRecordWhereTheirStreamIsAndTimeOnlyWithTiming() {
        CUevent start = new CUevent();
        CUevent end = new CUevent();
        CUevent untimed = new CUevent();
        check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT));
        check(JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT));
        check(JCudaDriver.cuEventCreate(untimed, CUevent_flags.CU_EVENT_DISABLE_TIMING | CUevent_flags.CU_EVENT_BLOCKING_SYNC));
        check(JCudaDriver.cuEventRecord(start, stream));
        check(JCudaDriver.cuEventRecord(end, stream));
        check(JCudaDriver.cuEventRecord(untimed, stream));
        check(JCudaDriver.cuEventSynchronize(untimed));
        assertThat(JCudaDriver.cuEventQuery(end)).isEqualTo(CUDA_SUCCESS);
        float[] millis = {-1};
        check(JCudaDriver.cuEventElapsedTime(millis, start, end));
        assertThat(millis[0]).isGreaterThanOrEqualTo(0);
        assertThat(JCudaDriver.cuEventElapsedTime(millis, start, untimed)).isEqualTo(CUDA_ERROR_INVALID_HANDLE);
        check(JCudaDriver.cuCtxSynchronize());
        for (CUevent e : new CUevent[] {start, end, untimed}) {
            check(JCudaDriver.cuEventDestroy(e));
        }
    }

    @Test
    void kernelsAreKnownByTheirHostBuildAndTheirPtxMustAgreeWithIt() {
        String extra = ".version 9.0\n.target sm_75\n.address_size 64\n.visible .entry saxpy(\n\t.param .u64 saxpy_param_0\n)\n{\n\tret;\n}\n";
        CUmodule module = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(module, image(extra)));
        CUfunction saxpy = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(saxpy, module, "saxpy"));
        assertThat(JCudaDriver.cuModuleGetFunction(new CUfunction(), module, "daxpy")).isEqualTo(CUDA_ERROR_NOT_FOUND);
        Pointer arguments = Pointer.to(Pointer.to(new long[] {0}));
        assertThat(JCudaDriver.cuLaunchKernel(saxpy, 1, 1, 1, 1, 1, 1, 0, stream, arguments, null))
                .as("a kernel the driver has no host build of").isEqualTo(CUDA_ERROR_NOT_FOUND);
        check(JCudaDriver.cuModuleUnload(module));

        String wrong = extra.replace("saxpy", Kernels.FILL_FIELD);
        assertThat(JCudaDriver.cuModuleLoadData(new CUmodule(), image(wrong))).as("fill_field with one parameter")
                .isEqualTo(CUDA_ERROR_INVALID_PTX);
    }

    @Test
    void pinnedHostMemoryHasItsHostAddressOnTheDevice() {
        HostAddress pinned = new HostAddress();
        check(JCudaDriver.cuMemHostAlloc(pinned, 4096, JCudaDriver.CU_MEMHOSTALLOC_DEVICEMAP));
        Address mapped = new Address();
        check(JCudaDriver.cuMemHostGetDevicePointer(mapped, pinned, 0));
        assertThat(mapped.value()).isEqualTo(pinned.value());
        check(JCudaDriver.cuMemFreeHost(pinned));
        assertThat(JCudaDriver.cuMemHostUnregister(Pointer.to(new byte[1]))).isEqualTo(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
    }

    @Test
    void errorsHaveCudasNames() {
        String[] name = new String[1];
        check(JCudaDriver.cuGetErrorName(700, name));
        assertThat(name[0]).isEqualTo("CUDA_ERROR_ILLEGAL_ADDRESS");
        String[] text = new String[1];
        check(JCudaDriver.cuGetErrorString(700, text));
        assertThat(text[0]).isEqualTo("an illegal memory access was encountered");
        assertThat(JCudaDriver.cuGetErrorName(12345, name)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        CUcontext current = new CUcontext();
        check(JCudaDriver.cuCtxGetCurrent(current));
        assertThat(current).isEqualTo(context);
    }

    @Test
    void aRuntimeOnTheSoftwareDriverLeavesNothingBehindAndCountsItsCalls() {
        long starts = SoftwareDriver.calls("cuDevicePrimaryCtxRetain");
        long registered = SoftwareDriver.calls("cuMemHostRegister_v2");
        long allocated = SoftwareDriver.calls("cuMemHostAlloc");
        String before = SoftwareDriver.live();
        try (Kairos kairos = Gpus.startReal(Gpus.smallConfig().build())) {
            MachineScenario.check(kairos, 1);
        }
        assertThat(SoftwareDriver.live()).as("what the driver holds after the runtime closed").isEqualTo(before);
        assertThat(SoftwareDriver.calls("cuDevicePrimaryCtxRetain")).isEqualTo(starts + 1);
        assertThat(SoftwareDriver.calls("cuMemHostRegister_v2")).isEqualTo(registered + 1);
        assertThat(SoftwareDriver.calls("cuMemHostAlloc")).as("ZERO_COPY memory is registered, not allocated by CUDA")
                .isEqualTo(allocated);
    }

    private static CUDA_MEMCPY2D pitched(CUdeviceptr destination, long destinationPitch, CUdeviceptr source, long sourcePitch,
            long width, long height, boolean fromHost) {
        CUDA_MEMCPY2D p = new CUDA_MEMCPY2D();
        p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        p.dstDevice = destination;
        p.dstPitch = destinationPitch;
        p.srcMemoryType = fromHost ? CUmemorytype.CU_MEMORYTYPE_HOST : CUmemorytype.CU_MEMORYTYPE_DEVICE;
        p.srcDevice = source;
        p.srcPitch = sourcePitch;
        p.WidthInBytes = width;
        p.Height = height;
        return p;
    }

    private static byte[] image(String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(text, text.length + 1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.capacity()];
        buffer.get(0, bytes);
        return bytes;
    }

    private static void check(int result) {
        assertThat(JCudaDriverApi.errorName(result)).isEqualTo(JCudaDriverApi.errorName(CUDA_SUCCESS));
    }
}
