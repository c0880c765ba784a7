package dev.kairos.moduletest;

import dev.kairos.AffineAccessor;
import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

/**
 * The tutorial's loop in small, on the exported API only: per batch a writer fills an instance,
 * a copy moves the field to a second instance, a reader checks it there; each step waits on the
 * one before, and the whole chain on a user event. Prints one line naming the modules it ran on,
 * then one with the number of batches verified; exits 1 if a batch did not verify.
 */
public final class TutorialLoop {
    private static final int FIELD = 1;
    private static final Rect BOUNDS = Rect.of(0, 1023);

    private TutorialLoop() {}

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        try (Kairos kairos = Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20).build())) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).hasAffinityTo(cpu).first().orElseThrow();
            TaskId<RegionInstance> writer = kairos.registerTask("writer", RegionInstance.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, inst) -> write(inst)));
            TaskId<RegionInstance> reader = kairos.registerTask("reader", RegionInstance.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, inst) -> verify(inst)));

            UserEvent start = kairos.createUserEvent();
            Event previous = start;
            for (int i = 0; i < batches; i++) {
                RegionInstance source = RegionInstance.create(sys, BOUNDS, Map.of(FIELD, 8L), 1, ProfilingRequestSet.NONE, previous);
                RegionInstance copy = RegionInstance.create(sys, BOUNDS, Map.of(FIELD, 8L), 0, ProfilingRequestSet.NONE, previous);
                Event written = cpu.spawn(writer, source, source.ready());
                Event copied = BOUNDS.copy(List.of(CopyField.of(source, FIELD)), List.of(CopyField.of(copy, FIELD)),
                        ProfilingRequestSet.NONE, Event.merge(written, copy.ready()));
                source.destroy(copied);
                previous = cpu.spawn(reader, copy, copied);
                copy.destroy(previous);
            }
            start.trigger();
            try {
                previous.await();
            } catch (RuntimeException e) {
                System.out.println("not verified: " + e.getMessage());
                System.exit(1);
            }
            System.out.println("modules " + Kairos.class.getModule().getName() + " " + TutorialLoop.class.getModule().getName()
                    + ", backends " + kairos.machine().backends());
            System.out.println("verified " + batches + " batches");
        }
    }

    private static void write(RegionInstance instance) {
        AffineAccessor field = instance.accessor(FIELD);
        for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
            field.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, field.offset(p), p * 3 + 1);
        }
    }

    private static void verify(RegionInstance instance) {
        AffineAccessor field = instance.accessor(FIELD);
        for (long p = BOUNDS.lo(); p <= BOUNDS.hi(); p++) {
            long value = field.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, field.offset(p));
            if (value != p * 3 + 1) {
                throw new IllegalStateException("point=" + p + " value=" + value + " expected=" + (p * 3 + 1));
            }
        }
    }
}
