package dev.kairos;

/**
 * When an operation (a task, a copy, a fill) passed each stage, in {@link System#nanoTime()}
 * nanoseconds: created (issued), ready (precondition triggered), started, ended (body returned),
 * completed (its event triggered). A stage the operation never reached is 0.
 */
public record OperationTimeline(long created, long ready, long started, long ended, long completed)
        implements Measurement {}
