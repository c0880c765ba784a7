package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --processor} and {@code --memory}: where a benchmark's tasks run and its instances live. */
final class Placement {
    @Option(names = "--processor", paramLabel = "cpu|gpu|auto",
            description = "Where the tasks run. auto: a GPU if there is one, else a CPU. Default: ${DEFAULT-VALUE}.")
    String processor = "cpu";

    @Option(names = "--memory", paramLabel = "auto|system|gpu-fb|zero-copy",
            description = "Where the instances live. auto: the memory with the best affinity to the processor. Default: ${DEFAULT-VALUE}.")
    String memory = "auto";

    /** The first CPU processor: the benchmarks of the scheduler and the event graph run there. */
    static Processor cpu(Kairos kairos) {
        return kairos.machine().processors().kind(ProcessorKind.CPU).first()
                .orElseThrow(() -> new IllegalStateException("the machine has no CPU processor"));
    }

    /**
     * The processor {@code --processor} names.
     *
     * @throws IllegalStateException "no GPU processor: reason" when a GPU is asked for and there is none
     * @throws IllegalArgumentException for a name that is not auto, cpu or gpu
     */
    Processor processor(Kairos kairos) {
        var processors = kairos.machine().processors();
        return switch (processor.toLowerCase(Locale.ROOT)) {
            case "auto" -> processors.kind(ProcessorKind.GPU).first().orElseGet(() -> cpu(kairos));
            case "cpu" -> cpu(kairos);
            case "gpu" -> processors.kind(ProcessorKind.GPU).first()
                    .orElseThrow(() -> new IllegalStateException("no GPU processor: " + cudaStatus(kairos)));
            default -> throw new IllegalArgumentException("--processor=" + processor + " is not one of auto, cpu, gpu");
        };
    }

    /** The memory {@code --memory} names, among those {@code proc} can access. */
    Memory memory(Kairos kairos, Processor proc) {
        var memories = kairos.machine().memories();
        MemoryKind kind = switch (memory.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "system" -> MemoryKind.SYSTEM;
            case "gpu-fb" -> MemoryKind.GPU_FB;
            case "zero-copy" -> MemoryKind.ZERO_COPY;
            default -> throw new IllegalArgumentException("--memory=" + memory + " is not one of auto, system, gpu-fb, zero-copy");
        };
        if (kind == null) {
            return memories.hasAffinityTo(proc).bestAffinityTo(proc).first()
                    .orElseThrow(() -> new IllegalStateException(proc + " can access no memory"));
        }
        return memories.kind(kind).hasAffinityTo(proc).first()
                .orElseThrow(() -> new IllegalStateException("--memory " + memory + ": no " + kind + " memory that " + proc
                        + " can access" + (kind == MemoryKind.SYSTEM ? "" : " (" + cudaStatus(kairos) + ")")));
    }

    private static String cudaStatus(Kairos kairos) {
        return kairos.machine().backends().stream().filter(b -> b.name().equals("cuda")).findFirst()
                .map(b -> b.available() ? "CUDA: " + b.detail() : "CUDA unavailable: " + b.detail())
                .orElse("CUDA: no backend status");
    }
}
