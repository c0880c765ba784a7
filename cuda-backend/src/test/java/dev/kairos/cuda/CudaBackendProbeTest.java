package dev.kairos.cuda;

import static dev.kairos.cuda.FakeCudaDriver.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.CudaMode;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.spi.Backend.Probe;
import org.junit.jupiter.api.Test;

/**
 * What the probe answers, through the test double: one line, nothing allocated; an exception only for a
 * configuration no GPU here can meet.
 */
class CudaBackendProbeTest {
    private static final KairosConfig AUTO = KairosConfig.builder().gpuFramebufferMemory(256L << 20).build();

    private static Probe probe(FakeCudaDriver driver) {
        return new CudaBackend(() -> driver).probe(AUTO);
    }

    @Test
    void cudaOffIsAReasonAndTouchesNoDriver() {
        CudaBackend backend = new CudaBackend(() -> {
            throw new AssertionError("the probe touched the driver with cuda=off");
        });
        Probe probe = backend.probe(KairosConfig.builder().cuda(CudaMode.OFF).build());
        assertThat(probe.available()).isFalse();
        assertThat(probe.detail()).isEqualTo("disabled by configuration (cuda=off)");
    }

    @Test
    void aDriverThatDoesNotLoadIsOneLineSayingWhatIsMissing() {
        // The text JCuda 12.6's loader gives when libcuda.so.1 is absent, abridged.
        String jcuda = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Operating system name: Linux\n"
                + "---(start of nested stack traces)---\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "\tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open"
                + " shared object file: No such file or directory\n"
                + "\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n"
                + "---(end of nested stack traces)---\n";
        Probe first = new CudaBackend(() -> {
            throw new UnsatisfiedLinkError(jcuda);
        }).probe(AUTO);
        assertThat(first.available()).isFalse();
        assertThat(first.detail()).isEqualTo("JCuda could not load the CUDA driver: libcuda.so.1: cannot open shared object"
                + " file: No such file or directory (loading /tmp/libJCudaDriver-12.6.0-linux-x86_64.so)");

        NoClassDefFoundError later = new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver");
        later.initCause(new ExceptionInInitializerError("Exception java.lang.UnsatisfiedLinkError: " + jcuda));
        Probe second = new CudaBackend(() -> {
            throw later;
        }).probe(AUTO);
        assertThat(second.detail()).isEqualTo(first.detail());
    }

    @Test
    void aMissingJCudaJarIsAReasonToo() {
        Probe probe = new CudaBackend(() -> {
            throw new NoClassDefFoundError("jcuda/driver/CUstream");
        }).probe(AUTO);
        assertThat(probe.detail()).isEqualTo("JCuda could not load the CUDA driver: NoClassDefFoundError: jcuda/driver/CUstream");
    }

    @Test
    void cuInitErrorsAreNamed() {
        assertThat(probe(FakeCudaDriver.oneGpu().initFails(100, "CUDA_ERROR_NO_DEVICE")).detail())
                .isEqualTo("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
        assertThat(probe(FakeCudaDriver.oneGpu().initFails(35, "CUDA_ERROR_INSUFFICIENT_DRIVER")).detail())
                .contains("older than the CUDA 12").contains("CUDA_ERROR_INSUFFICIENT_DRIVER");
        assertThat(probe(FakeCudaDriver.oneGpu().initFails(3, "CUDA_ERROR_NOT_INITIALIZED")).detail())
                .isEqualTo("cuInit failed: CUDA_ERROR_NOT_INITIALIZED");
    }

    @Test
    void noDeviceIsAReason() {
        Probe probe = probe(new FakeCudaDriver());
        assertThat(probe.available()).isFalse();
        assertThat(probe.detail()).isEqualTo("no CUDA device (cuDeviceGetCount=0)");
    }

    @Test
    void aDriverTooOldForThePtxIsAReasonNamingTheRelease() {
        Probe probe = probe(FakeCudaDriver.oneGpu().driverVersion(12040));
        assertThat(probe.available()).isFalse();
        assertThat(probe.detail()).contains("supports CUDA 12.4").contains("cuDriverGetVersion=12040").contains("CUDA 13.0")
                .contains("release 580");
    }

    @Test
    void devicesOlderThanSm75AreRejectedWithAReason() {
        Probe probe = probe(new FakeCudaDriver(device(0, "Tesla V100", 7, 0, 16L << 30)));
        assertThat(probe.available()).isFalse();
        assertThat(probe.detail()).isEqualTo("no usable CUDA device: device 0 Tesla V100 is sm_70, and Kairos's PTX needs sm_75 or newer");
    }

    @Test
    void aDeviceSmallerThanTheFramebufferAskedForIsLeftOutWhenAnotherServes() {
        Probe probe = probe(new FakeCudaDriver(device(0, "Tiny", 8, 6, 128L << 20), device(1, "NVIDIA L4", 8, 9, 24L << 30)));
        assertThat(probe.available()).isTrue();
        assertThat(probe.detail()).endsWith("not used: device 0 Tiny has 134217728 bytes (0.1 GiB), less than gpuFramebufferMemory=268435456; driver for CUDA 13.0");
    }

    /**
     * A GPU is here and only the framebuffer asked for keeps it out: an error in the configuration, in
     * every CUDA mode; cuda=auto must not run on the CPU instead as if there were no GPU.
     */
    @Test
    void aFramebufferNoGpuHasIsAnErrorNotAMachineWithoutGpus() {
        for (CudaMode mode : new CudaMode[] {CudaMode.AUTO, CudaMode.REQUIRED}) {
            KairosConfig config = KairosConfig.builder().cuda(mode).gpuFramebufferMemory(1L << 40).build();
            FakeCudaDriver driver = new FakeCudaDriver(device(0, "Tesla V100", 7, 0, 16L << 30), device(1, "NVIDIA L4", 8, 9, 24L << 30));
            assertThatThrownBy(() -> new CudaBackend(() -> driver).probe(config))
                    .isInstanceOf(KairosException.class)
                    .hasMessage("gpuFramebufferMemory=1099511627776 bytes (1024.0 GiB; --fbmem on the kairos command line) is more than"
                            + " any GPU here has: device 1 NVIDIA L4 has 25769803776 bytes (24.0 GiB) (every other GPU is unusable:"
                            + " device 0 Tesla V100 is sm_70, and Kairos's PTX needs sm_75 or newer; device 1 NVIDIA L4 has"
                            + " 25769803776 bytes (24.0 GiB), less than gpuFramebufferMemory=1099511627776); lower it");
            assertThat(driver.allocatingCalls()).isZero();
        }
    }

    @Test
    void devicesUnusableForOtherReasonsStayAReasonToFallBack() {
        KairosConfig config = KairosConfig.builder().gpuFramebufferMemory(1L << 40).build();
        Probe probe = new CudaBackend(() -> new FakeCudaDriver(device(0, "Tesla V100", 7, 0, 16L << 30))).probe(config);
        assertThat(probe.available()).isFalse();
        assertThat(probe.detail()).isEqualTo("no usable CUDA device: device 0 Tesla V100 is sm_70, and Kairos's PTX needs sm_75 or newer");
    }

    @Test
    void theDetailNamesEachGpuAndWhatWasLeftOut() {
        Probe one = probe(new FakeCudaDriver(device(0, "NVIDIA H100 80GB HBM3", 9, 0, 85_520_809_984L)));
        assertThat(one.available()).isTrue();
        assertThat(one.detail()).isEqualTo("1 GPU: gpu0 NVIDIA H100 80GB HBM3 (sm_90, 79.6 GiB); driver for CUDA 13.0");

        Probe mixed = probe(new FakeCudaDriver(device(0, "Tesla V100", 7, 0, 16L << 30), device(1, "NVIDIA L4", 8, 9, 24L << 30),
                device(2, "NVIDIA L4", 8, 9, 24L << 30)).driverVersion(13020));
        assertThat(mixed.detail()).isEqualTo("2 GPUs: gpu1 NVIDIA L4 (sm_89, 24.0 GiB), gpu2 NVIDIA L4 (sm_89, 24.0 GiB);"
                + " not used: device 0 Tesla V100 is sm_70, and Kairos's PTX needs sm_75 or newer; driver for CUDA 13.2");
    }

    @Test
    void probingAllocatesNothing() {
        FakeCudaDriver driver = FakeCudaDriver.oneGpu();
        assertThat(probe(driver).available()).isTrue();
        assertThat(driver.allocatingCalls()).isZero();
        assertThat(driver.liveResources()).isEmpty();
    }
}
