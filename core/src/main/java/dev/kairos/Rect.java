package dev.kairos;

import dev.kairos.internal.copy.Copies;
import java.util.List;

/**
 * A one-dimensional index space {@code [lo, hi]}, inclusive on both ends, with long coordinates. A
 * rect with {@code hi < lo} is empty (Realm's convention). Copies and fills are issued on the rect
 * of points they cover.
 */
public final class Rect {
    private final long lo;
    private final long hi;

    private Rect(long lo, long hi) {
        this.lo = lo;
        this.hi = hi;
    }

    /** The points {@code lo..hi}, both included; empty if {@code hi < lo}. */
    public static Rect of(long lo, long hi) {
        return new Rect(lo, hi);
    }

    public int dim() {
        return 1;
    }

    public long lo() {
        return lo;
    }

    public long hi() {
        return hi;
    }

    public boolean isEmpty() {
        return hi < lo;
    }

    /**
     * The number of points.
     *
     * @throws ArithmeticException if the count does not fit in a long
     */
    public long volume() {
        return isEmpty() ? 0 : Math.addExact(Math.subtractExact(hi, lo), 1);
    }

    public boolean contains(long point) {
        return point >= lo && point <= hi;
    }

    /** Whether every point of {@code other} is in this rect (an empty rect is in every rect). */
    public boolean contains(Rect other) {
        return other.isEmpty() || (other.lo >= lo && other.hi <= hi);
    }

    /**
     * Copies each source field to the destination field at the same list position, for every point
     * of this rect, once {@code waitOn} and every instance involved are ready. Both lists must have
     * the same length, and paired fields the same size.
     *
     * @return an event that triggers when every byte has been copied
     * @throws IllegalArgumentException on mismatched lists or field sizes, points outside an
     *     instance, or a pair of memories no copy path connects
     */
    public Event copy(List<CopyField> sources, List<CopyField> destinations, ProfilingRequestSet profiling, Event waitOn) {
        return Copies.copy(this, sources, destinations, profiling, waitOn);
    }

    /**
     * Writes {@code value} (exactly one field's size) into each destination field at every point of
     * this rect, once {@code waitOn} and the instances are ready.
     */
    public Event fill(List<CopyField> destinations, byte[] value, ProfilingRequestSet profiling, Event waitOn) {
        return Copies.fill(this, destinations, value, profiling, waitOn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rect r && ((isEmpty() && r.isEmpty()) || (r.lo == lo && r.hi == hi));
    }

    @Override
    public int hashCode() {
        return isEmpty() ? 0 : Long.hashCode(lo) * 31 + Long.hashCode(hi);
    }

    @Override
    public String toString() {
        return "[" + lo + ".." + hi + "]";
    }
}
