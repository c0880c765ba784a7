package dev.kairos;

/**
 * Where one field of an instance lives: the field of point {@code p} starts at byte
 * {@code offset + (p - bounds.lo) * stride} of the instance.
 */
public record FieldLayout(int fieldId, long size, long alignment, long offset, long stride) {}
