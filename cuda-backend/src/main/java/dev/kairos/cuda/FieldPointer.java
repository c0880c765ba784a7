package dev.kairos.cuda;

/**
 * Where one field of an instance lives in a device's address space: the field of point {@code p}
 * starts at {@code address + (p - lo) * stride}.
 *
 * @param address the device address of the field of point {@code lo}
 * @param lo the instance's first point
 * @param stride bytes between the field of consecutive points
 * @param size bytes of the field
 */
public record FieldPointer(long address, long lo, long stride, long size) {

    /** The device address of the field of {@code point}; no bounds check. */
    public long at(long point) {
        return address + (point - lo) * stride;
    }
}
