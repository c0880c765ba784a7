package dev.kairos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime should start with. Built with {@link #builder()}; every setting has a default.
 * The builder accepts any value; {@link #problems()} lists what is wrong, and {@link Kairos#start}
 * refuses a configuration that has problems with a {@link KairosException} naming each one.
 */
public final class KairosConfig {
    /** Default SYSTEM memory: 512 MiB. */
    public static final long DEFAULT_SYSTEM_MEMORY = 512L << 20;
    /** Default GPU_FB memory per GPU: 256 MiB. */
    public static final long DEFAULT_GPU_FB_MEMORY = 256L << 20;
    /** Default ZERO_COPY memory: 64 MiB. */
    public static final long DEFAULT_ZERO_COPY_MEMORY = 64L << 20;
    /** Default {@link #closeGracePeriod()}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_GRACE_PERIOD = Duration.ofSeconds(5);
    /**
     * The largest size of any one memory, 4 EiB (2^62 bytes): offsets plus sizes within a memory
     * then always fit in a {@code long}. A larger size is a problem of the configuration, not an
     * overflow deep inside a backend.
     */
    public static final long MAX_MEMORY_BYTES = 1L << 62;

    private final int cpuProcessors;
    private final int utilityProcessors;
    private final long systemMemory;
    private final long gpuFramebufferMemory;
    private final long zeroCopyMemory;
    private final CudaMode cuda;
    private final boolean deferredAllocation;
    private final Path trace;
    private final Duration closeGracePeriod;
    private final int maxCpuProcessors;

    private KairosConfig(Builder b) {
        this.cpuProcessors = b.cpuProcessors;
        this.utilityProcessors = b.utilityProcessors;
        this.systemMemory = b.systemMemory;
        this.gpuFramebufferMemory = b.gpuFramebufferMemory;
        this.zeroCopyMemory = b.zeroCopyMemory;
        this.cuda = b.cuda;
        this.deferredAllocation = b.deferredAllocation;
        this.trace = b.trace;
        this.closeGracePeriod = b.closeGracePeriod;
        this.maxCpuProcessors = b.maxCpuProcessors;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default number of CPU processors: one per core but one, and at least one. */
    public static int defaultCpuProcessors() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The default {@link #maxCpuProcessors()}: four per core. */
    public static int defaultMaxCpuProcessors() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    public int cpuProcessors() {
        return cpuProcessors;
    }

    public int utilityProcessors() {
        return utilityProcessors;
    }

    public long systemMemory() {
        return systemMemory;
    }

    public long gpuFramebufferMemory() {
        return gpuFramebufferMemory;
    }

    public long zeroCopyMemory() {
        return zeroCopyMemory;
    }

    public CudaMode cuda() {
        return cuda;
    }

    /**
     * Whether a memory under pressure defers requests that will fit once pending releases complete
     * (the default), or fails every request that does not fit at once (Realm's {@code -ll:defalloc 0}).
     */
    public boolean deferredAllocation() {
        return deferredAllocation;
    }

    /**
     * Where the runtime writes its timeline, in the Trace Event Format that Perfetto and
     * {@code chrome://tracing} open; empty (the default) records nothing.
     */
    public Optional<Path> trace() {
        return Optional.ofNullable(trace);
    }

    /**
     * How long {@code close()} waits while nothing finishes before it gives up on what is left. Once
     * no operation has finished for this long, it cancels the user events nobody triggered (their
     * waiting operations are cancelled in turn) and, if work is still left after another such
     * period (a task body that never returns), reports it and returns. A program whose last task
     * bodies run longer than this, with nothing else finishing meanwhile, needs a longer period.
     * Default {@link #DEFAULT_CLOSE_GRACE_PERIOD}.
     */
    public Duration closeGracePeriod() {
        return closeGracePeriod;
    }

    /**
     * The most CPU processors this configuration may ask for; default four per core
     * ({@link #defaultMaxCpuProcessors()}). Each CPU processor is a worker that spins when it runs
     * out of work: far more of them than cores is almost always a mistake, so it needs saying.
     */
    public int maxCpuProcessors() {
        return maxCpuProcessors;
    }

    /** What is wrong with this configuration, one entry per setting, key=value; empty if nothing. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (cpuProcessors < 1) {
            problems.add("cpuProcessors=" + cpuProcessors + " (must be at least 1)");
        } else if (cpuProcessors > maxCpuProcessors) {
            problems.add("cpuProcessors=" + cpuProcessors + " (at most maxCpuProcessors=" + maxCpuProcessors + "; the default"
                    + " limit is 4 x " + Runtime.getRuntime().availableProcessors() + " cores: raise maxCpuProcessors to allow more)");
        }
        if (maxCpuProcessors < 1) {
            problems.add("maxCpuProcessors=" + maxCpuProcessors + " (must be at least 1)");
        }
        if (utilityProcessors < 1) {
            problems.add("utilityProcessors=" + utilityProcessors + " (must be at least 1)");
        }
        checkSize(problems, "systemMemory", systemMemory);
        checkSize(problems, "gpuFramebufferMemory", gpuFramebufferMemory);
        checkSize(problems, "zeroCopyMemory", zeroCopyMemory);
        if (cuda == null) {
            problems.add("cuda=null (must be AUTO, OFF or REQUIRED)");
        }
        if (closeGracePeriod == null || closeGracePeriod.isNegative()) {
            problems.add("closeGracePeriod=" + closeGracePeriod + " (must be a duration >= 0)");
        }
        return problems;
    }

    private static void checkSize(List<String> problems, String key, long bytes) {
        if (bytes < 0) {
            problems.add(key + "=" + bytes + " (must be >= 0 bytes)");
        } else if (bytes > MAX_MEMORY_BYTES) {
            problems.add(key + "=" + bytes + " (at most " + MAX_MEMORY_BYTES + " bytes, 4 EiB)");
        }
    }

    public Builder toBuilder() {
        return new Builder()
                .cpuProcessors(cpuProcessors)
                .utilityProcessors(utilityProcessors)
                .systemMemory(systemMemory)
                .gpuFramebufferMemory(gpuFramebufferMemory)
                .zeroCopyMemory(zeroCopyMemory)
                .cuda(cuda)
                .deferredAllocation(deferredAllocation)
                .trace(trace)
                .closeGracePeriod(closeGracePeriod)
                .maxCpuProcessors(maxCpuProcessors);
    }

    @Override
    public String toString() {
        return "KairosConfig[cpuProcessors=" + cpuProcessors + ", utilityProcessors=" + utilityProcessors
                + ", systemMemory=" + systemMemory + ", gpuFramebufferMemory=" + gpuFramebufferMemory
                + ", zeroCopyMemory=" + zeroCopyMemory + ", cuda=" + cuda
                + ", deferredAllocation=" + deferredAllocation + ", closeGracePeriod=" + closeGracePeriod
                + ", maxCpuProcessors=" + maxCpuProcessors + (trace == null ? "" : ", trace=" + trace) + "]";
    }

    public static final class Builder {
        private int cpuProcessors = defaultCpuProcessors();
        private int utilityProcessors = 1;
        private long systemMemory = DEFAULT_SYSTEM_MEMORY;
        private long gpuFramebufferMemory = DEFAULT_GPU_FB_MEMORY;
        private long zeroCopyMemory = DEFAULT_ZERO_COPY_MEMORY;
        private CudaMode cuda = CudaMode.AUTO;
        private boolean deferredAllocation = true;
        private Path trace;
        private Duration closeGracePeriod = DEFAULT_CLOSE_GRACE_PERIOD;
        private int maxCpuProcessors = defaultMaxCpuProcessors();

        private Builder() {}

        /** CPU processors (worker threads); default: cores - 1, at least 1. */
        public Builder cpuProcessors(int count) {
            this.cpuProcessors = count;
            return this;
        }

        /** Utility processors (host copies); profiling responses are delivered on a thread of their own; default 1. */
        public Builder utilityProcessors(int count) {
            this.utilityProcessors = count;
            return this;
        }

        /** Bytes of SYSTEM memory; default 512 MiB. */
        public Builder systemMemory(long bytes) {
            this.systemMemory = bytes;
            return this;
        }

        /** Bytes of GPU_FB memory per GPU; default 256 MiB. */
        public Builder gpuFramebufferMemory(long bytes) {
            this.gpuFramebufferMemory = bytes;
            return this;
        }

        /** Bytes of ZERO_COPY memory; default 64 MiB. */
        public Builder zeroCopyMemory(long bytes) {
            this.zeroCopyMemory = bytes;
            return this;
        }

        /** Whether to use CUDA; default {@link CudaMode#AUTO}. */
        public Builder cuda(CudaMode mode) {
            this.cuda = mode;
            return this;
        }

        /** See {@link KairosConfig#deferredAllocation()}; default true. */
        public Builder deferredAllocation(boolean enabled) {
            this.deferredAllocation = enabled;
            return this;
        }

        /**
         * Writes a timeline of the run to {@code file} (null: none, the default): a track per
         * processor with a slice per task, per memory a span per instance and the bytes in use,
         * the allocation decisions, copies and fills. The file is written as the run goes, with
         * bounded memory, and completed by {@link Kairos#close()}; {@link Kairos#start} fails if
         * it cannot be created. A task argument that implements {@link TraceLabel} names its
         * slice. Recording costs nothing when no file is given.
         */
        public Builder trace(Path file) {
            this.trace = file;
            return this;
        }

        /** See {@link KairosConfig#closeGracePeriod()}; default 5 seconds. */
        public Builder closeGracePeriod(Duration period) {
            this.closeGracePeriod = period;
            return this;
        }

        /** See {@link KairosConfig#maxCpuProcessors()}; default four per core. */
        public Builder maxCpuProcessors(int count) {
            this.maxCpuProcessors = count;
            return this;
        }

        public KairosConfig build() {
            return new KairosConfig(this);
        }
    }
}
