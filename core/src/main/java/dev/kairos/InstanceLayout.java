package dev.kairos;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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

    private static final Comparator<FieldLayout> BY_ID = Comparator.comparingInt(FieldLayout::fieldId);

    private final Rect bounds;
    private final int blockSize;
    private final FieldLayout[] fields;  // by increasing id
    private final long totalBytes;
    private final long alignment;
    /** {@link #fields()}, built on its first call: the layout itself only needs the array. */
    private volatile SortedMap<Integer, FieldLayout> fieldMap;

    private InstanceLayout(Rect bounds, int blockSize, FieldLayout[] fields, long totalBytes, long alignment) {
        this.bounds = bounds;
        this.blockSize = blockSize;
        this.fields = fields;
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
        FieldLayout[] fields = byId(fieldSizes);
        try {
            return blockSize == 1 ? arraysOfStructs(bounds, fields) : structsOfArrays(bounds, fields);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instance too large: bounds=" + bounds + " fieldSizes="
                    + new TreeMap<>(fieldSizes) + " does not fit in a long", e);
        }
    }

    /**
     * Each field's id, size and alignment, by increasing id; offsets and strides are still 0. Of
     * entries with one id (a map that compares keys by identity) the last wins, as in a map keyed by
     * value.
     */
    private static FieldLayout[] byId(Map<Integer, Long> fieldSizes) {
        FieldLayout[] fields = new FieldLayout[fieldSizes.size()];
        int n = 0;
        for (Map.Entry<Integer, Long> e : fieldSizes.entrySet()) {
            Integer id = e.getKey();
            Long size = e.getValue();
            if (id == null || size == null || size <= 0) {
                throw new IllegalArgumentException("field size must be > 0: field=" + id + " size=" + size);
            }
            if (n == fields.length) {
                fields = Arrays.copyOf(fields, n + 1);  // a concurrent map may grow while iterated
            }
            fields[n++] = new FieldLayout(id, size, fieldAlignment(size), 0, 0);
        }
        Arrays.sort(fields, 0, n, BY_ID);  // stable: entries with one id keep their order
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == n - 1 || fields[i + 1].fieldId() != fields[i].fieldId()) {
                fields[distinct++] = fields[i];
            }
        }
        return distinct == fields.length ? fields : Arrays.copyOf(fields, distinct);
    }

    private static InstanceLayout arraysOfStructs(Rect bounds, FieldLayout[] fields) {
        long offset = 0;
        long maxAlignment = 1;
        for (FieldLayout f : fields) {
            offset = Math.addExact(alignUp(offset, f.alignment()), f.size());
            maxAlignment = Math.max(maxAlignment, f.alignment());
        }
        long stride = alignUp(offset, maxAlignment);
        offset = 0;
        for (int i = 0; i < fields.length; i++) {
            FieldLayout f = fields[i];
            offset = alignUp(offset, f.alignment());
            fields[i] = new FieldLayout(f.fieldId(), f.size(), f.alignment(), offset, stride);
            offset += f.size();
        }
        return new InstanceLayout(bounds, 1, fields, Math.multiplyExact(bounds.volume(), stride), maxAlignment);
    }

    private static InstanceLayout structsOfArrays(Rect bounds, FieldLayout[] fields) {
        long offset = 0;
        for (int i = 0; i < fields.length; i++) {
            offset = alignUp(offset, SOA_ARRAY_ALIGNMENT);
            FieldLayout f = fields[i];
            fields[i] = new FieldLayout(f.fieldId(), f.size(), f.alignment(), offset, f.size());
            offset = Math.addExact(offset, Math.multiplyExact(bounds.volume(), f.size()));
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
        SortedMap<Integer, FieldLayout> map = fieldMap;
        if (map == null) {
            // Two threads may both build it: the maps are equal and immutable, so either may stay.
            SortedMap<Integer, FieldLayout> byId = new TreeMap<>();
            for (FieldLayout f : fields) {
                byId.put(f.fieldId(), f);
            }
            fieldMap = map = Collections.unmodifiableSortedMap(byId);
        }
        return map;
    }

    /**
     * The layout of one field.
     *
     * @throws IllegalArgumentException if there is no such field; the message lists the fields
     */
    public FieldLayout field(int fieldId) {
        int lo = 0;
        int hi = fields.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int id = fields[mid].fieldId();
            if (id < fieldId) {
                lo = mid + 1;
            } else if (id > fieldId) {
                hi = mid - 1;
            } else {
                return fields[mid];
            }
        }
        throw new IllegalArgumentException("no field " + fieldId + " in this instance: fields=" + fields().keySet());
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
                + ", fields=" + Arrays.asList(fields) + "]";
    }
}
