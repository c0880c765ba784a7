package dev.kairos;

/**
 * When an instance was created ({@code create} called), became ready (bytes allocated) and was
 * deleted (bytes freed), in {@link System#nanoTime()} nanoseconds; 0 for a stage never reached.
 */
public record InstanceTimeline(long created, long ready, long deleted) implements Measurement {}
