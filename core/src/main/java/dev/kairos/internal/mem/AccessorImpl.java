package dev.kairos.internal.mem;

import dev.kairos.AffineAccessor;
import dev.kairos.FieldLayout;
import dev.kairos.Rect;
import java.lang.foreign.MemorySegment;

/**
 * An accessor over an instance's slice of its memory's host segment. {@link #segment()} checks the
 * instance's life on every call ({@link InstanceBytes}); the slice's scope is the memory's, which
 * the runtime's close ends.
 */
public final class AccessorImpl implements AffineAccessor {
    private final InstanceImpl instance;
    private final InstanceBytes bytes;
    private final MemorySegment segment;
    private final FieldLayout field;
    private final Rect bounds;

    AccessorImpl(InstanceImpl instance, InstanceBytes bytes, MemorySegment segment, FieldLayout field, Rect bounds) {
        this.instance = instance;
        this.bytes = bytes;
        this.segment = segment;
        this.field = field;
        this.bounds = bounds;
    }

    @Override
    public MemorySegment segment() {
        if (bytes.closed()) {
            throw new IllegalStateException(instance + " was destroyed: its bytes in " + instance.memory
                    + " may belong to another instance (field " + field.fieldId() + ")");
        }
        return segment;
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
