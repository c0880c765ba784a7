package dev.kairos;

/**
 * Whether an instance's allocation succeeds. Delivered as soon as the memory knows: at once for a
 * request placed now or refused now, before {@code ready()} for a request accepted under pressure
 * (which then succeeds unless a release it counted on is cancelled, in which case a second result
 * with {@code success == false} follows).
 */
public record InstanceAllocResult(boolean success) implements Measurement {}
