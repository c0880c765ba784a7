package dev.kairos;

/**
 * A task argument that names itself in a trace ({@link KairosConfig.Builder#trace}): the task's
 * slice is called by the task's name and this label, e.g. {@code writer batch 17}.
 *
 * <p>An argument that does not implement it is labelled by its {@code toString()} (cut to a few
 * dozen characters) when its class overrides {@code toString()}, as records, strings, numbers and
 * enums do, and not at all otherwise. The label is asked for only while a trace is recorded, once
 * per task, on the processor's thread just before the body runs.
 *
 * {@snippet :
 * record Batch(long index, RegionInstance instance) implements TraceLabel {
 *     public String traceLabel() {
 *         return "batch " + (index + 1);
 *     }
 * }
 * }
 */
@FunctionalInterface
public interface TraceLabel {
    /** A short label, a few words at most; it must not block or throw. */
    String traceLabel();
}
