package dev.kairos.cli;

import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --processor} and {@code --memory}: where a command's tasks run and its instances live. A
 * command sets its default processor with {@code new Placement(...)} and adds {@link #mixin()} (an
 * annotated command: {@code @Mixin CommandSpec placementOptions = placement.mixin();}).
 */
public final class Placement {
    /** Which processor to use. */
    public enum Choice {
        AUTO,
        CPU,
        GPU
    }

    Choice processor;
    MemoryKind memory;

    public Placement(Choice defaultProcessor) {
        this.processor = defaultProcessor;
    }

    /** The options, bound to this object's fields, for a command to add as a mixin (built in code: {@link Specs}). */
    public CommandSpec mixin() {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(this);
        mixin.addOption(Specs.option("--processor", Choice.class, () -> processor, v -> processor = v).paramLabel("auto|cpu|gpu")
                .converters(new ChoiceConverter())
                .description("Where the tasks run. auto: a GPU if there is one, else a CPU. Default: " + processorName() + ".").build());
        mixin.addOption(Specs.option("--memory", MemoryKind.class, () -> memory, v -> memory = v)
                .paramLabel("auto|system|gpu-fb|zero-copy").converters(new MemoryConverter())
                .description("Where the instances live. auto: the memory with the best affinity to the processor. Default: auto.").build());
        return mixin;
    }

    /** The first CPU processor. */
    public static Processor cpu(Kairos kairos) {
        return kairos.machine().processors().kind(ProcessorKind.CPU).first()
                .orElseThrow(() -> new IllegalStateException("the machine has no CPU processor"));
    }

    /**
     * The processor {@code --processor} names.
     *
     * @throws IllegalStateException "no GPU processor: CUDA ..." when a GPU is asked for and there is none
     */
    public Processor processor(Kairos kairos) {
        var gpus = kairos.machine().processors().kind(ProcessorKind.GPU);
        return switch (processor) {
            case AUTO -> gpus.first().orElseGet(() -> cpu(kairos));
            case CPU -> cpu(kairos);
            case GPU -> gpus.first()
                    .orElseThrow(() -> new IllegalStateException("--processor gpu: no GPU processor: " + cudaStatus(kairos)));
        };
    }

    /**
     * {@code proc} and its kind, and, when {@code --processor auto} took a CPU, why: {@code proc:cpu0
     * (CPU); auto found no GPU: CUDA: unavailable — ...}, or, where CUDA was turned off, {@code
     * proc:cpu0 (CPU); auto: CUDA is off (--cuda off)}: no GPU was looked for, so none was missing.
     */
    public String describe(Kairos kairos, Processor proc) {
        String described = proc + " (" + proc.kind() + ")";
        if (processor != Choice.AUTO || proc.kind() == ProcessorKind.GPU) {
            return described;
        }
        return kairos.config().cuda() == CudaMode.OFF
                ? described + "; auto: CUDA is off (--cuda off)"
                : described + "; auto found no GPU: " + cudaStatus(kairos);
    }

    /** The memory {@code --memory} names among those {@code proc} can access; auto: the best affinity to it. */
    public Memory memory(Kairos kairos, Processor proc) {
        var memories = kairos.machine().memories().hasAffinityTo(proc);
        if (memory == null) {
            return memories.bestAffinityTo(proc).first()
                    .orElseThrow(() -> new IllegalStateException(proc + " can access no memory"));
        }
        return memories.kind(memory).first()
                .orElseThrow(() -> new IllegalStateException("--memory " + name(memory) + ": no " + memory + " memory that "
                        + proc + " can access" + (memory == MemoryKind.SYSTEM ? "" : " (" + cudaStatus(kairos) + ")")));
    }

    /** {@code --processor} as given: auto, cpu or gpu. */
    public String processorName() {
        return processor.name().toLowerCase(Locale.ROOT);
    }

    /** {@code --memory} as given: auto, system, gpu-fb or zero-copy. */
    public String memoryName() {
        return memory == null ? "auto" : name(memory);
    }

    /** One line on the CUDA backend: what it found, or why it is off. */
    public static String cudaStatus(Kairos kairos) {
        return kairos.machine().backends().stream().filter(b -> b.name().equals("cuda")).findFirst()
                .map(b -> b.available() ? "CUDA: " + b.detail() : "CUDA: unavailable — " + b.detail())
                .orElse("CUDA: no backend status");
    }

    private static String name(MemoryKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static final class ChoiceConverter implements ITypeConverter<Choice> {
        @Override
        public Choice convert(String value) {
            try {
                return Choice.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a processor choice: use auto, cpu or gpu");
            }
        }
    }

    static final class MemoryConverter implements ITypeConverter<MemoryKind> {
        @Override
        public MemoryKind convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "auto" -> null;
                case "system" -> MemoryKind.SYSTEM;
                case "gpu-fb" -> MemoryKind.GPU_FB;
                case "zero-copy" -> MemoryKind.ZERO_COPY;
                default -> throw new TypeConversionException("'" + value + "' is not a memory: use auto, system, gpu-fb or zero-copy");
            };
        }
    }
}
