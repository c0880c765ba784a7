package dev.kairos.internal.mem;

import dev.kairos.AffineAccessor;
import dev.kairos.FieldLayout;
import dev.kairos.Rect;
import java.lang.foreign.MemorySegment;

/** An accessor over an instance's slice of its memory's host segment. */
public record AccessorImpl(MemorySegment segment, FieldLayout field, Rect bounds) implements AffineAccessor {

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
}
