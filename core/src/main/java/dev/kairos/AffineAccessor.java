package dev.kairos;

import dev.kairos.internal.mem.AccessorImpl;
import java.lang.foreign.MemorySegment;

/**
 * Host access to one field of an instance: the field of point {@code p} starts at byte
 * {@code offset(p)} of {@link #segment()}. The segment covers exactly the instance's bytes and is
 * bounds-checked by the JVM; {@link #offset(long)} refuses points outside the instance's bounds.
 *
 * <p>The segment lives no longer than the bytes are the instance's. In a task body it belongs to the
 * body: confined to its thread and closed when it returns. Elsewhere it is closed when the
 * instance's destroy takes effect, or at {@code Kairos.close()}. A closed segment reports itself
 * closed and every access through it fails; nothing reaches bytes another instance holds.
 *
 * {@snippet :
 * // writing field 101 {int x; float y;} at point p:
 * long o = f1.offset(p);
 * f1.segment().set(ValueLayout.JAVA_INT, o, (int) (p + 1));
 * f1.segment().set(ValueLayout.JAVA_FLOAT, o + 4, (float) (p + 2));
 * }
 */
public sealed interface AffineAccessor permits AccessorImpl {

    /**
     * The instance's bytes: in a task body, the same segment for every call of that body (its scope
     * is the body's), elsewhere the same segment until the instance's destroy takes effect.
     *
     * @throws IllegalStateException if the instance's destroy has begun or the runtime was closed
     */
    MemorySegment segment();

    /**
     * The byte offset in {@link #segment()} where this field of {@code point} starts.
     *
     * @throws IndexOutOfBoundsException if {@code point} is outside the instance's bounds
     */
    long offset(long point);

    /** Bytes between consecutive points of this field. */
    long stride();

    /** The field's size in bytes. */
    long fieldSize();

    int fieldId();

    Rect bounds();
}
