package dev.kairos.cli;

import dev.kairos.CudaMode;
import dev.kairos.KairosConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that configure the runtime, shared by every command that starts one. */
public final class RuntimeOptions {
    @Option(names = "--cpus", paramLabel = "N", description = "CPU processors (worker threads). Default: cores - 1, at least 1 (here: ${DEFAULT-VALUE}).")
    int cpus = KairosConfig.defaultCpuProcessors();

    @Option(names = "--max-cpus", paramLabel = "N",
            description = "The most --cpus accepts: each CPU processor is a worker that spins when idle, so far more than cores is "
                    + "almost always a mistake. Default: 4 x cores (here: ${DEFAULT-VALUE}).")
    int maxCpus = KairosConfig.defaultMaxCpuProcessors();

    @Option(names = "--sysmem", paramLabel = "SIZE", converter = Sizes.class,
            description = "Bytes of SYSTEM memory, e.g. 512M, 1G, 1398112. Default: 512M.")
    long sysmem = KairosConfig.DEFAULT_SYSTEM_MEMORY;

    @Option(names = "--fbmem", paramLabel = "SIZE", converter = Sizes.class,
            description = "Bytes of GPU_FB memory per GPU. Default: 256M.")
    long fbmem = KairosConfig.DEFAULT_GPU_FB_MEMORY;

    @Option(names = "--zcmem", paramLabel = "SIZE", converter = Sizes.class,
            description = "Bytes of ZERO_COPY memory. Default: 64M.")
    long zcmem = KairosConfig.DEFAULT_ZERO_COPY_MEMORY;

    @Option(names = "--cuda", paramLabel = "MODE", description = "auto (use GPUs if present), off, required (fail without one). Default: auto.",
            converter = CudaModes.class)
    CudaMode cuda = CudaMode.AUTO;

    @Option(names = "--no-pressure-deferral",
            description = "A request that does not fit now fails at once instead of waiting for pending releases (Realm's -ll:defalloc 0).")
    boolean noPressureDeferral;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The configuration these options ask for. @throws ParameterException if --cpus is out of bounds */
    public KairosConfig config() {
        if (cpus < 1) {
            throw new ParameterException(spec.commandLine(), "--cpus=" + cpus + " must be at least 1");
        }
        if (cpus > maxCpus) {
            throw new ParameterException(spec.commandLine(), "--cpus=" + cpus + " is above the limit of " + maxCpus
                    + " (--max-cpus; the default is 4 x " + Runtime.getRuntime().availableProcessors()
                    + " cores): each CPU processor is a worker thread; raise --max-cpus to run more");
        }
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
