package dev.kairos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where every field of an instance lives: field offsets and strides, total bytes and alignment.
 *
 * <p>Fields are laid out in increasing field-id order. Each field is aligned to the largest power
 * of two that divides its size, at most {@value #MAX_FIELD_ALIGNMENT}. With block size 1 (arrays of
 * structs) the fields of one point are interleaved: each field starts at the next offset aligned for
 * it, and the stride is the struct size rounded up to the largest field alignment. With block size 0
 * (structs of arrays) each field is one array with the field's size as its stride; arrays start on
 * {@value #SOA_ARRAY_ALIGNMENT}-byte boundaries (a cache line) so that loops over one field stream
 * whole lines.
 *
 * <p>For Realm's tutorial fields (101: 8 bytes, 102: 16 bytes) over 43 691 points, AoS gives offsets
 * 0 and 16, a stride of 32 and 1 398 112 bytes.
 */
public final class InstanceLayout {
    /** The largest alignment a field gets from its size. */
    public static final long MAX_FIELD_ALIGNMENT = 16;
    /** Where each array of a structs-of-arrays layout starts, relative to the instance. */
    public static final long SOA_ARRAY_ALIGNMENT = 64;

    private final Rect bounds;
    private final int blockSize;
    private final SortedMap<Integer, FieldLayout> fields;
    private final long totalBytes;
    private final long alignment;

    private InstanceLayout(Rect bounds, int blockSize, SortedMap<Integer, FieldLayout> fields, long totalBytes, long alignment) {
        this.bounds = bounds;
        this.blockSize = blockSize;
        this.fields = Collections.unmodifiableSortedMap(fields);
        this.totalBytes = totalBytes;
        this.alignment = alignment;
    }

    /**
     * The layout {@link RegionInstance#create} would use.
     *
     * @throws IllegalArgumentException for no fields, a field size &lt;= 0, a block size other than 0
     *     or 1, or a layout whose size does not fit in a long
     */
    public static InstanceLayout of(Rect bounds, Map<Integer, Long> fieldSizes, int blockSize) {
        if (bounds == null) {
            throw new IllegalArgumentException("bounds is null");
        }
        if (fieldSizes == null || fieldSizes.isEmpty()) {
            throw new IllegalArgumentException("an instance needs at least one field: fieldSizes=" + fieldSizes);
        }
        if (blockSize != 0 && blockSize != 1) {
            throw new IllegalArgumentException(
                    "blockSize=" + blockSize + " is not supported: use 0 (structs of arrays) or 1 (arrays of structs)");
        }
        SortedMap<Integer, Long> sizes = new TreeMap<>();
        fieldSizes.forEach((id, size) -> {
            if (id == null || size == null || size <= 0) {
                throw new IllegalArgumentException("field size must be > 0: field=" + id + " size=" + size);
            }
            sizes.put(id, size);
        });
        try {
            return blockSize == 1 ? arraysOfStructs(bounds, sizes) : structsOfArrays(bounds, sizes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "instance too large: bounds=" + bounds + " fieldSizes=" + sizes + " does not fit in a long", e);
        }
    }

    private static InstanceLayout arraysOfStructs(Rect bounds, SortedMap<Integer, Long> sizes) {
        long offset = 0;
        long maxAlignment = 1;
        List<long[]> placed = new ArrayList<>();
        for (var e : sizes.entrySet()) {
            long align = fieldAlignment(e.getValue());
            offset = alignUp(offset, align);
            placed.add(new long[] {e.getKey(), e.getValue(), align, offset});
            offset = Math.addExact(offset, e.getValue());
            maxAlignment = Math.max(maxAlignment, align);
        }
        long stride = alignUp(offset, maxAlignment);
        SortedMap<Integer, FieldLayout> fields = new TreeMap<>();
        for (long[] f : placed) {
            fields.put((int) f[0], new FieldLayout((int) f[0], f[1], f[2], f[3], stride));
        }
        return new InstanceLayout(bounds, 1, fields, Math.multiplyExact(bounds.volume(), stride), maxAlignment);
    }

    private static InstanceLayout structsOfArrays(Rect bounds, SortedMap<Integer, Long> sizes) {
        long offset = 0;
        SortedMap<Integer, FieldLayout> fields = new TreeMap<>();
        for (var e : sizes.entrySet()) {
            offset = alignUp(offset, SOA_ARRAY_ALIGNMENT);
            long size = e.getValue();
            fields.put(e.getKey(), new FieldLayout(e.getKey(), size, fieldAlignment(size), offset, size));
            offset = Math.addExact(offset, Math.multiplyExact(bounds.volume(), size));
        }
        return new InstanceLayout(bounds, 0, fields, offset, SOA_ARRAY_ALIGNMENT);
    }

    private static long fieldAlignment(long size) {
        return Math.min(Long.lowestOneBit(size), MAX_FIELD_ALIGNMENT);
    }

    private static long alignUp(long value, long alignment) {
        return Math.addExact(value, alignment - 1) & -alignment;
    }

    public Rect bounds() {
        return bounds;
    }

    /** 1 for arrays of structs, 0 for structs of arrays. */
    public int blockSize() {
        return blockSize;
    }

    /** Every field, by id. */
    public SortedMap<Integer, FieldLayout> fields() {
        return fields;
    }

    /**
     * The layout of one field.
     *
     * @throws IllegalArgumentException if there is no such field; the message lists the fields
     */
    public FieldLayout field(int fieldId) {
        FieldLayout f = fields.get(fieldId);
        if (f == null) {
            throw new IllegalArgumentException("no field " + fieldId + " in this instance: fields=" + fields.keySet());
        }
        return f;
    }

    /** The byte offset where {@code fieldId} of {@code point} starts, relative to the instance. */
    public long offset(int fieldId, long point) {
        if (!bounds.contains(point)) {
            throw new IndexOutOfBoundsException("point=" + point + " is outside bounds=" + bounds);
        }
        FieldLayout f = field(fieldId);
        return f.offset() + (point - bounds.lo()) * f.stride();
    }

    /** Bytes the instance takes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** The alignment the instance's first byte needs. */
    public long alignment() {
        return alignment;
    }

    @Override
    public String toString() {
        return "InstanceLayout[bounds=" + bounds + ", blockSize=" + blockSize + ", totalBytes=" + totalBytes
                + ", fields=" + fields.values() + "]";
    }
}
