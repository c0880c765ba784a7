package dev.kairos.cli;

import dev.kairos.CudaMode;
import dev.kairos.KairosConfig;
import java.lang.management.ManagementFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The options that configure the runtime, shared by every command that starts one. A mixin built in
 * code ({@link Specs}): a command built in code adds {@link #mixin()}, an annotated one declares
 * {@code @Mixin CommandSpec runtimeOptions = runtime.mixin();} after the field that holds this object.
 */
public final class RuntimeOptions {
    int cpus = KairosConfig.defaultCpuProcessors();
    int maxCpus = KairosConfig.defaultMaxCpuProcessors();
    long sysmem = KairosConfig.DEFAULT_SYSTEM_MEMORY;
    long fbmem = KairosConfig.DEFAULT_GPU_FB_MEMORY;
    long zcmem = KairosConfig.DEFAULT_ZERO_COPY_MEMORY;
    CudaMode cuda = CudaMode.AUTO;
    boolean noPressureDeferral;

    /** {@code --cpus}, {@code --sysmem} and {@code --zcmem} once a command holds them: its command line is where a bad value is reported. */
    private OptionSpec cpusOption;
    private OptionSpec sysmemOption;
    private OptionSpec zcmemOption;

    /** The options, bound to this object's fields, for a command to add as a mixin. */
    public CommandSpec mixin() {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(this);
        cpusOption = Specs.option("--cpus", int.class, () -> cpus, v -> cpus = v).paramLabel("N")
                .description("CPU processors (worker threads). Default: cores - 1, at least 1 (here: ${DEFAULT-VALUE}).").build();
        mixin.addOption(cpusOption);
        mixin.addOption(Specs.option("--max-cpus", int.class, () -> maxCpus, v -> maxCpus = v).paramLabel("N")
                .description("The most --cpus accepts: each CPU processor is a worker that spins when idle, so far more than cores is "
                        + "almost always a mistake. Default: 4 x cores (here: ${DEFAULT-VALUE}).").build());
        sysmemOption = Specs.option("--sysmem", long.class, () -> sysmem, v -> sysmem = v).paramLabel("SIZE").converters(new Sizes())
                .description("Bytes of SYSTEM memory, e.g. 512M, 1G, 1398112; at most the machine's physical memory. Default: 512M.")
                .build();
        mixin.addOption(sysmemOption);
        mixin.addOption(Specs.option("--fbmem", long.class, () -> fbmem, v -> fbmem = v).paramLabel("SIZE").converters(new Sizes())
                .description("Bytes of GPU_FB memory per GPU. Default: 256M.").build());
        zcmemOption = Specs.option("--zcmem", long.class, () -> zcmem, v -> zcmem = v).paramLabel("SIZE").converters(new Sizes())
                .description("Bytes of ZERO_COPY memory (host memory pinned for the GPUs; only with CUDA), at most the machine's "
                        + "physical memory. Default: 64M.").build();
        mixin.addOption(zcmemOption);
        mixin.addOption(Specs.option("--cuda", CudaMode.class, () -> cuda, v -> cuda = v).paramLabel("MODE").converters(new CudaModes())
                .description("auto (use GPUs if present), off, required (fail without one). Default: auto.").build());
        mixin.addOption(Specs.option("--no-pressure-deferral", boolean.class, () -> noPressureDeferral, v -> noPressureDeferral = v)
                .description("A request that does not fit now fails at once instead of waiting for pending releases (Realm's -ll:defalloc 0).")
                .build());
        return mixin;
    }

    /**
     * The configuration these options ask for.
     *
     * @throws ParameterException if --max-cpus or --cpus is out of bounds, or --sysmem or --zcmem is more than the machine has
     */
    public KairosConfig config() {
        if (maxCpus < 1) {
            throw new ParameterException(cpusOption.command().commandLine(), "--max-cpus=" + maxCpus
                    + " must be >= 1: it is the most --cpus accepts, and a runtime needs at least one CPU processor");
        }
        if (cpus < 1) {
            throw new ParameterException(cpusOption.command().commandLine(), "--cpus=" + cpus + " must be at least 1");
        }
        if (cpus > maxCpus) {
            throw new ParameterException(cpusOption.command().commandLine(), "--cpus=" + cpus + " is above the limit of " + maxCpus
                    + " (--max-cpus; the default is 4 x " + Runtime.getRuntime().availableProcessors()
                    + " cores): each CPU processor is a worker thread; raise --max-cpus to run more");
        }
        checkPhysical(sysmemOption, "--sysmem", sysmem, KairosConfig.DEFAULT_SYSTEM_MEMORY);
        checkPhysical(zcmemOption, "--zcmem", zcmem, KairosConfig.DEFAULT_ZERO_COPY_MEMORY);
        return KairosConfig.builder()
                .cpuProcessors(cpus)
                .maxCpuProcessors(maxCpus)
                .systemMemory(sysmem)
                .gpuFramebufferMemory(fbmem)
                .zeroCopyMemory(zcmem)
                .cuda(cuda)
                .deferredAllocation(!noPressureDeferral)
                .build();
    }

    /**
     * Refuses a size of host memory beyond the machine's physical memory. Only a size above the
     * default is looked at: the lookup loads java.management, 80 ms of a start.
     */
    private static void checkPhysical(OptionSpec option, String name, long bytes, long defaultBytes) {
        if (bytes <= defaultBytes) {
            return;
        }
        long physical = physicalMemory();
        if (bytes > physical) {
            throw new ParameterException(option.command().commandLine(), name + "=" + Typed.value(option).orElse(String.valueOf(bytes))
                    + " (" + Sizes.human(bytes) + ") is more than this machine's physical memory (" + Sizes.human(physical)
                    + ", or its container's limit); lower " + name);
        }
    }

    /** The bytes of physical memory the JVM sees: the machine's, or its container's limit. */
    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Lower-case names on the command line. */
    static final class CudaModes implements picocli.CommandLine.ITypeConverter<CudaMode> {
        @Override
        public CudaMode convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> CudaMode.AUTO;
                case "off" -> CudaMode.OFF;
                case "required" -> CudaMode.REQUIRED;
                default -> throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a CUDA mode: use auto, off or required");
            };
        }
    }
}
