package dev.kairos.cli;

import dev.kairos.CudaMode;
import dev.kairos.InstanceLayout;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.tutorials.DeferredAllocation;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --batch-bytes} of the commands that put one batch of the deferred-allocation tutorial in one
 * instance ({@code run deferred-allocation}, {@code bench pipeline}, {@code bench bandwidth}), checked
 * before a runtime starts: the instance must fit in the memory the runtime options size for it. Which
 * memory that is follows {@code --memory}, else {@code --processor}; with both {@code auto} and CUDA
 * not off it is GPU_FB or SYSTEM, known only once the runtime has looked for a GPU, so the instance
 * must fit in one of them here and in the one chosen after the start ({@link #doesNotFit}).
 */
public final class BatchBytes {
    /** The most {@code --batch-bytes}: one batch is one instance, and no memory holds more ({@link KairosConfig#MAX_MEMORY_BYTES}). */
    public static final long MAX = KairosConfig.MAX_MEMORY_BYTES;

    private BatchBytes() {}

    /** Bytes of the instance of one batch of {@code batchBytes} in {@code layout}. */
    public static long instanceBytes(long batchBytes, Layout layout) {
        return InstanceLayout.of(DeferredAllocation.bounds(batchBytes), DeferredAllocation.FIELD_SIZES, layout.blockSize()).totalBytes();
    }

    /**
     * Checks {@code batchBytes}, the value of {@code command}'s {@code --batch-bytes}, in each of
     * {@code layouts} against the memories {@code placement} may put the instance in, sized by {@code config}.
     *
     * @throws ParameterException naming the option to raise, or the limit, where it cannot fit
     */
    public static void check(CommandSpec command, long batchBytes, List<Layout> layouts, Placement placement, KairosConfig config) {
        String typed = typed(command, batchBytes);
        if (batchBytes > MAX) {
            throw new ParameterException(command.commandLine(), typed + " is above the limit of " + Sizes.describe(MAX)
                    + ": one batch is one instance, and no memory holds more");
        }
        List<MemoryKind> memories = memories(placement, config);
        for (Layout layout : layouts) {
            long instance = instanceBytes(batchBytes, layout);
            if (memories.stream().noneMatch(kind -> instance <= size(kind, config))) {
                List<String> sizes = memories.stream().map(kind -> sizeOption(kind) + "=" + Sizes.describe(size(kind, config))).toList();
                String options = String.join(" or ", memories.stream().map(BatchBytes::sizeOption).toList());
                throw new ParameterException(command.commandLine(), typed + ": one batch's instance, in " + layout + ", takes "
                        + Sizes.describe(instance) + ", more than " + String.join(" and ", sizes)
                        + (memories.size() > 1 ? " (it goes to GPU_FB memory if there is a GPU, else to SYSTEM memory)" : "")
                        + "; raise " + options + " or lower --batch-bytes");
            }
        }
    }

    /** The message for an instance of {@code instance} bytes that does not fit in {@code memory}, the one the runtime chose. */
    public static String doesNotFit(long instance, Memory memory) {
        return "one batch's instance (" + Sizes.describe(instance) + ") does not fit in " + memory + " (" + memory.kind()
                + ", capacity " + Sizes.describe(memory.capacity()) + "): raise " + sizeOption(memory.kind()) + " or lower --batch-bytes";
    }

    /** The option that sizes memories of {@code kind}: {@code --sysmem}, {@code --fbmem} or {@code --zcmem}. */
    public static String sizeOption(MemoryKind kind) {
        return switch (kind) {
            case SYSTEM -> "--sysmem";
            case GPU_FB -> "--fbmem";
            case ZERO_COPY -> "--zcmem";
        };
    }

    /** The kinds of memory {@code placement} may choose for the instance, as far as the options tell before the start. */
    public static List<MemoryKind> memories(Placement placement, KairosConfig config) {
        List<MemoryKind> kinds = new ArrayList<>();
        switch (placement.memoryName()) {
            case "system" -> kinds.add(MemoryKind.SYSTEM);
            case "gpu-fb" -> kinds.add(MemoryKind.GPU_FB);
            case "zero-copy" -> kinds.add(MemoryKind.ZERO_COPY);
            default -> {
                String processor = placement.processorName();
                if (!processor.equals("gpu")) {
                    kinds.add(MemoryKind.SYSTEM);
                }
                if (processor.equals("gpu") || (processor.equals("auto") && config.cuda() != CudaMode.OFF)) {
                    kinds.add(MemoryKind.GPU_FB);
                }
            }
        }
        return kinds;
    }

    private static long size(MemoryKind kind, KairosConfig config) {
        return switch (kind) {
            case SYSTEM -> config.systemMemory();
            case GPU_FB -> config.gpuFramebufferMemory();
            case ZERO_COPY -> config.zeroCopyMemory();
        };
    }

    /** {@code --batch-bytes=1G} as typed, or {@code --batch-bytes (default 256.0 MiB)}. */
    private static String typed(CommandSpec command, long batchBytes) {
        return Typed.value(command.findOption("--batch-bytes")).map(typed -> "--batch-bytes=" + typed)
                .orElse("--batch-bytes (default " + Sizes.human(batchBytes) + ")");
    }
}
