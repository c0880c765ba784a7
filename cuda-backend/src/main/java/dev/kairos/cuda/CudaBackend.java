package dev.kairos.cuda;

import dev.kairos.Affinity;
import dev.kairos.CudaMode;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.cuda.CudaDriver.DeviceInfo;
import dev.kairos.spi.Backend;
import dev.kairos.spi.CopyEngine;
import dev.kairos.spi.ConnectPhase;
import dev.kairos.spi.HostCopyEngine;
import dev.kairos.spi.MemoryPhase;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorPhase;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The CUDA backend: one GPU processor and one framebuffer memory per usable device, one ZERO_COPY
 * memory shared by all, and the copy paths between them and SYSTEM memory. Everything goes through
 * JCuda's driver API behind {@link CudaDriver}.
 *
 * <p>Lifecycle, as Realm's CUDA module: {@link #probe} loads the driver and reads what devices there
 * are, allocating nothing, and answers "unavailable" with one line (no driver, no device, a device
 * too old, a driver too old for the PTX) instead of throwing; {@link #createMemories} retains each
 * device's primary context, creates its streams, kernels and framebuffer arena and pins the
 * ZERO_COPY bytes; {@link #createProcessors} adds a processor per device; {@link #connect} declares
 * the affinities and the copy paths, to SYSTEM memory too, which another backend created; {@link
 * #close} frees all of it, also after a sticky error or a phase that failed half-way.
 *
 * <p>The PTX of {@code kairos-kernels} targets {@code compute_75} with PTX ISA 9.0 (nvcc 13), so a
 * device needs compute capability 7.5 and the driver must support CUDA 13.0 (release 580 or newer).
 */
public final class CudaBackend implements Backend {
    /** Device memory places instances on 256-byte boundaries, for coalesced access. */
    static final long DEVICE_ALIGNMENT = 256;
    /** The least compute capability, as major * 10 + minor: the kernels' PTX targets compute_75. */
    static final int MIN_COMPUTE_CAPABILITY = 75;
    /** {@code cuDriverGetVersion} of a driver that JIT-compiles PTX ISA 9.0 (CUDA 13.0). */
    static final int MIN_DRIVER_VERSION = 13000;

    /** Nominal figures, as Realm's machine model uses: a GPU reading its own framebuffer. */
    static final Affinity GPU_TO_FRAMEBUFFER = new Affinity(200_000, 500);
    /** A GPU reading pinned host memory across PCIe. */
    static final Affinity GPU_TO_ZERO_COPY = new Affinity(12_000, 2_000);
    /** A CPU reading pinned host memory: as host memory, a little below SYSTEM so that CPUs prefer SYSTEM. */
    static final Affinity HOST_TO_ZERO_COPY = new Affinity(15_000, 100);
    /** Copies between pageable SYSTEM memory and a framebuffer, staged by the driver. */
    static final Affinity SYSTEM_FRAMEBUFFER_COPY = new Affinity(6_000, 10_000);
    /** Copies between pinned memory and a framebuffer, by DMA. */
    static final Affinity ZERO_COPY_FRAMEBUFFER_COPY = new Affinity(12_000, 5_000);
    /** Copies within one framebuffer. */
    static final Affinity FRAMEBUFFER_COPY = new Affinity(100_000, 5_000);
    /** Copies between two GPUs' framebuffers. */
    static final Affinity PEER_COPY = new Affinity(10_000, 10_000);
    /** Copies between host memories. */
    static final Affinity HOST_COPY = new Affinity(10_000, 100);

    private final Supplier<CudaDriver> driverSource;
    /** What {@link #probe} found, kept apart from the requested settings that each phase brings; null before. */
    private Detected detected;

    private final List<GpuDevice> devices = new ArrayList<>();
    /** The ZERO_COPY memory's bytes, or null for none (zeroCopyMemory=0). */
    private PinnedHostMemory zeroCopy;
    private long zeroCopyDevice;
    /** Added by {@link #createMemories}: each device's framebuffer, in the order of {@link #devices}. */
    private final List<Memory> framebuffers = new ArrayList<>();
    private Memory zeroCopyMemory;
    /** Added by {@link #createProcessors}, in the order of {@link #devices}. */
    private final List<Processor> gpus = new ArrayList<>();

    /** The driver and the devices it can use here, as the probe found them. */
    private record Detected(CudaDriver driver, List<DeviceInfo> usable) {}

    /** The backend over JCuda; what {@link java.util.ServiceLoader} creates. */
    public CudaBackend() {
        this(JCudaDriverApi::new);
    }

    /** The backend over another driver: the tests' double. */
    CudaBackend(Supplier<CudaDriver> driverSource) {
        this.driverSource = driverSource;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public boolean isRequired(KairosConfig config) {
        return config.cuda() == CudaMode.REQUIRED;
    }

    // ---------------------------------------------------------------- probe

    @Override
    public Probe probe(KairosConfig config) {
        if (config.cuda() == CudaMode.OFF) {
            return Probe.unavailable("disabled by configuration (cuda=off)");
        }
        CudaDriver candidate;
        try {
            candidate = driverSource.get();
            candidate.init();
        } catch (LinkageError e) {
            // The one place JCuda's linkage is tested: without libcuda.so.1 its native library does not load.
            // Where that ends the run (cuda=required), the loader's own reason is worth its downcalls.
            String reason = e instanceof DriverLibrary.NotOpened && isRequired(config)
                    ? DriverLibrary.loaderReason().map(said -> "the dynamic loader says " + said + " " + DriverLibrary.NotOpened.WHERE)
                            .orElse(linkageReason(e))
                    : linkageReason(e);
            return Probe.unavailable("JCuda could not load the CUDA driver: " + reason);
        } catch (CudaException e) {
            return Probe.unavailable(initReason(e));
        }
        try {
            return probeDevices(candidate, config);
        } catch (CudaException e) {
            return Probe.unavailable("reading the CUDA devices failed: " + e.getMessage());
        }
    }

    private Probe probeDevices(CudaDriver candidate, KairosConfig config) {
        int version = candidate.driverVersion();
        if (version < MIN_DRIVER_VERSION) {
            return Probe.unavailable("the NVIDIA driver supports CUDA " + cudaVersion(version) + " (cuDriverGetVersion="
                    + version + "), but Kairos's kernels are PTX ISA 9.0 from nvcc 13, which needs CUDA "
                    + cudaVersion(MIN_DRIVER_VERSION) + ": install NVIDIA driver release 580 or newer");
        }
        int count = candidate.deviceCount();
        if (count == 0) {
            return Probe.unavailable("no CUDA device (cuDeviceGetCount=0)");
        }
        List<DeviceInfo> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> tooSmall = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DeviceInfo info = candidate.device(i);
            int capability = info.computeMajor() * 10 + info.computeMinor();
            if (capability < MIN_COMPUTE_CAPABILITY) {
                skipped.add("device " + i + " " + info.name() + " is " + info.architecture()
                        + ", and Kairos's PTX needs sm_" + MIN_COMPUTE_CAPABILITY + " or newer");
            } else if (!info.memoryPools()) {
                skipped.add("device " + i + " " + info.name() + " has no stream-ordered allocator"
                        + " (CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED=0), which GPU tasks' scratch buffers use");
            } else if (info.totalMemory() < config.gpuFramebufferMemory()) {
                String small = "device " + i + " " + info.name() + " has " + info.totalMemory() + " bytes ("
                        + gibibytes(info.totalMemory()) + ")";
                tooSmall.add(small);
                skipped.add(small + ", less than gpuFramebufferMemory=" + config.gpuFramebufferMemory());
            } else {
                found.add(info);
            }
        }
        if (found.isEmpty() && !tooSmall.isEmpty()) {
            // A GPU is here and only the configuration's own size keeps it out: an error to fix, not a
            // machine without a GPU for cuda=auto to fall back from.
            throw new KairosException("gpuFramebufferMemory=" + config.gpuFramebufferMemory() + " bytes ("
                    + gibibytes(config.gpuFramebufferMemory()) + "; --fbmem on the kairos command line) is more than any GPU here has: "
                    + String.join("; ", tooSmall) + (tooSmall.size() == skipped.size() ? "" : " (every other GPU is unusable: "
                    + String.join("; ", skipped) + ")") + "; lower it");
        }
        if (found.isEmpty()) {
            return Probe.unavailable("no usable CUDA device: " + String.join("; ", skipped));
        }
        detected = new Detected(candidate, List.copyOf(found));
        StringBuilder detail = new StringBuilder().append(found.size()).append(found.size() == 1 ? " GPU: " : " GPUs: ");
        for (int i = 0; i < found.size(); i++) {
            DeviceInfo info = found.get(i);
            detail.append(i == 0 ? "" : ", ").append("gpu").append(info.ordinal()).append(' ').append(info.name())
                    .append(" (").append(info.architecture()).append(", ").append(gibibytes(info.totalMemory())).append(')');
        }
        if (!skipped.isEmpty()) {
            detail.append("; not used: ").append(String.join("; ", skipped));
        }
        detail.append("; driver for CUDA ").append(cudaVersion(version));
        return Probe.available(detail.toString());
    }

    private static String initReason(CudaException e) {
        return switch (e.errorName()) {
            case "CUDA_ERROR_NO_DEVICE" -> "no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)";
            case "CUDA_ERROR_INSUFFICIENT_DRIVER" -> "the NVIDIA driver is older than the CUDA 12 that JCuda 12.6"
                    + " needs (cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER)";
            default -> e.getMessage();
        };
    }

    /**
     * One line out of a linkage error: JCuda's {@link UnsatisfiedLinkError} spans many lines, of which
     * the last "UnsatisfiedLinkError: " one says what the loader missed ("libcuda.so.1: cannot open
     * shared object file"). Later touches throw {@link NoClassDefFoundError} whose cause carries the
     * first error's text, so the whole chain is searched.
     */
    static String linkageReason(Throwable error) {
        String marker = "UnsatisfiedLinkError: ";
        String found = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            for (String line : message.split("\\R")) {
                int at = line.lastIndexOf(marker);
                if (at >= 0) {
                    found = line.substring(at + marker.length()).strip();
                }
            }
        }
        if (found == null) {
            String message = error.getMessage();
            String line = message == null ? "" : message.lines().findFirst().orElse("");
            // DriverLibrary's error is the loader's own line ("libcuda.so.1: cannot open shared object file: ...").
            return error instanceof UnsatisfiedLinkError && !line.isEmpty() ? line : error.getClass().getSimpleName()
                    + (line.isEmpty() ? "" : ": " + line);
        }
        // "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open ..." -> what is missing first.
        int split = found.indexOf(": ");
        if (split > 0 && found.substring(0, split).matches(".*\\.(so|dll|dylib)")) {
            return found.substring(split + 2) + " (loading " + found.substring(0, split) + ")";
        }
        return found;
    }

    private static String cudaVersion(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }

    private static String gibibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    // ---------------------------------------------------------------- memories, processors, connections

    @Override
    public void createMemories(MemoryPhase machine) {
        if (detected == null) {
            throw new IllegalStateException("createMemories() before a successful probe()");
        }
        KairosConfig config = machine.config();
        for (DeviceInfo info : detected.usable()) {
            devices.add(GpuDevice.open(detected.driver(), info, config.gpuFramebufferMemory()));
        }
        allocateZeroCopy(config.zeroCopyMemory());
        for (GpuDevice d : devices) {
            framebuffers.add(machine.addMemory(MemoryKind.GPU_FB, d.name() + ".fb",
                    new MemoryStorage(d.framebufferBytes(), DEVICE_ALIGNMENT, null, d.framebuffer())));
        }
        zeroCopyMemory = machine.addMemory(MemoryKind.ZERO_COPY, "zcopy",
                new MemoryStorage(config.zeroCopyMemory(), DEVICE_ALIGNMENT, zeroCopySegment(), zeroCopyDevice));
    }

    @Override
    public void createProcessors(ProcessorPhase machine) {
        for (int i = 0; i < devices.size(); i++) {
            gpus.add(machine.addProcessor(ProcessorKind.GPU, devices.get(i).name(),
                    new GpuProcessorDriver(devices.get(i), framebuffers.get(i))));
        }
    }

    @Override
    public void connect(ConnectPhase machine) {
        for (Processor p : machine.processors()) {
            if (p.kind() != ProcessorKind.GPU) {
                machine.addAffinity(p, zeroCopyMemory, HOST_TO_ZERO_COPY);
            }
        }
        for (int i = 0; i < gpus.size(); i++) {
            machine.addAffinity(gpus.get(i), framebuffers.get(i), GPU_TO_FRAMEBUFFER);
            machine.addAffinity(gpus.get(i), zeroCopyMemory, GPU_TO_ZERO_COPY);
        }
        addCopyPaths(machine);
    }

    /**
     * Pinned, mapped host memory, pinned in the first device's context. With unified addressing
     * (every 64-bit platform CUDA 12 supports) its device address is its host address, the same in
     * every context, so one address serves every GPU; without it the device address is asked there.
     */
    private void allocateZeroCopy(long bytes) {
        if (bytes == 0) {
            return;
        }
        GpuDevice first = devices.getFirst();
        first.makeCurrent();
        try {
            zeroCopy = PinnedHostMemory.pin(detected.driver(), bytes);
            long host = zeroCopy.segment().address();
            zeroCopyDevice = first.info().unifiedAddressing() ? host : detected.driver().hostDevicePointer(host);
        } finally {
            first.releaseCurrent();
        }
    }

    /** The host's view of the ZERO_COPY bytes: one small method, the one place that makes it. */
    private MemorySegment zeroCopySegment() {
        return zeroCopy == null ? MemorySegment.NULL : zeroCopy.segment();
    }

    private void addCopyPaths(ConnectPhase machine) {
        List<Memory> systems = machine.memories().stream().filter(m -> m.kind() == MemoryKind.SYSTEM).toList();
        CopyEngine host = new HostCopyEngine();
        machine.addCopyPath(zeroCopyMemory, zeroCopyMemory, HOST_COPY, host);
        for (Memory sys : systems) {
            machine.addCopyPath(zeroCopyMemory, sys, HOST_COPY, host);
            machine.addCopyPath(sys, zeroCopyMemory, HOST_COPY, host);
        }
        for (int i = 0; i < devices.size(); i++) {
            Memory fb = framebuffers.get(i);
            CopyEngine engine = new DeviceCopyEngine(devices.get(i));
            for (Memory sys : systems) {
                machine.addCopyPath(sys, fb, SYSTEM_FRAMEBUFFER_COPY, engine);
                machine.addCopyPath(fb, sys, SYSTEM_FRAMEBUFFER_COPY, engine);
            }
            machine.addCopyPath(zeroCopyMemory, fb, ZERO_COPY_FRAMEBUFFER_COPY, engine);
            machine.addCopyPath(fb, zeroCopyMemory, ZERO_COPY_FRAMEBUFFER_COPY, engine);
            machine.addCopyPath(fb, fb, FRAMEBUFFER_COPY, engine);
            for (Memory other : framebuffers) {
                if (other != fb) {
                    machine.addCopyPath(fb, other, PEER_COPY, engine);
                }
            }
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        RuntimeException first = null;
        if (zeroCopy != null) {
            GpuDevice owner = devices.getFirst();
            try {
                owner.makeCurrent();
                zeroCopy.close();
                owner.releaseCurrent();
            } catch (CudaException e) {
                if (!owner.hasFailed()) {
                    first = e;
                }
            }
            zeroCopy = null;
        }
        for (GpuDevice d : devices.reversed()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        devices.clear();
        framebuffers.clear();
        gpus.clear();
        zeroCopyMemory = null;
        if (first != null) {
            throw first;
        }
    }
}
