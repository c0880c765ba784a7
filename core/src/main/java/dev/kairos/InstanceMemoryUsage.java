package dev.kairos;

/** The memory an instance was created in and the bytes it takes there. */
public record InstanceMemoryUsage(Memory memory, long bytes) implements Measurement {}
