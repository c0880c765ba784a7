package dev.kairos.internal.mem;

import dev.kairos.AffineAccessor;
import dev.kairos.FieldLayout;
import dev.kairos.Rect;
import java.lang.foreign.MemorySegment;

/**
 * An accessor over an instance's slice of its memory's host segment. {@link #segment()} checks the
 * instance's life on every call, and the segment it returns is bounded by that life: in a task body
 * it belongs to the body's scope ({@link HostLease}), elsewhere to the instance's shared view
 * ({@link InstanceBytes}).
 */
public final class AccessorImpl implements AffineAccessor {
    private final InstanceImpl instance;
    private final InstanceBytes bytes;
    private final FieldLayout field;
    private final Rect bounds;

    AccessorImpl(InstanceImpl instance, InstanceBytes bytes, FieldLayout field, Rect bounds) {
        this.instance = instance;
        this.bytes = bytes;
        this.field = field;
        this.bounds = bounds;
    }

    @Override
    public MemorySegment segment() {
        return instance.memory.hostSegment(instance, bytes);
    }

    @Override
    public long offset(long point) {
        if (point < bounds.lo() || point > bounds.hi()) {
            throw new IndexOutOfBoundsException("point=" + point + " is outside bounds=" + bounds + " (field " + field.fieldId() + ")");
        }
        return field.offset() + (point - bounds.lo()) * field.stride();
    }

    @Override
    public long stride() {
        return field.stride();
    }

    @Override
    public long fieldSize() {
        return field.size();
    }

    @Override
    public int fieldId() {
        return field.fieldId();
    }

    @Override
    public Rect bounds() {
        return bounds;
    }

    @Override
    public String toString() {
        return "accessor[" + instance + " field=" + field.fieldId() + "]";
    }
}
