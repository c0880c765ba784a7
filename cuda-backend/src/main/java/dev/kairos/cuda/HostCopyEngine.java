package dev.kairos.cuda;

import dev.kairos.spi.CopyEngine;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Copies and fills between host-visible memories where ZERO_COPY memory is one side (ZERO_COPY with
 * itself or with SYSTEM), on the calling utility thread: no device is involved, the bytes are host
 * memory on both sides. Contiguous fields move in one bulk copy, strided ones element by element.
 */
final class HostCopyEngine implements CopyEngine {

    @Override
    public void copy(List<FieldCopy> copies, Completion done) {
        try {
            for (FieldCopy c : copies) {
                MemorySegment src = c.source().hostSegment();
                MemorySegment dst = c.destination().hostSegment();
                long size = c.elementSize();
                if (c.sourceStride() == size && c.destinationStride() == size) {
                    MemorySegment.copy(src, c.sourceOffset(), dst, c.destinationOffset(), size * c.count());
                } else {
                    for (long i = 0; i < c.count(); i++) {
                        MemorySegment.copy(src, c.sourceOffset() + i * c.sourceStride(), dst,
                                c.destinationOffset() + i * c.destinationStride(), size);
                    }
                }
            }
        } catch (RuntimeException e) {
            done.fail(e);
            return;
        }
        done.complete();
    }

    @Override
    public void fill(List<FieldFill> fills, Completion done) {
        try {
            for (FieldFill f : fills) {
                MemorySegment value = MemorySegment.ofArray(f.value());
                for (long i = 0; i < f.count(); i++) {
                    MemorySegment.copy(value, 0, f.destination().hostSegment(), f.offset() + i * f.stride(), f.value().length);
                }
            }
        } catch (RuntimeException e) {
            done.fail(e);
            return;
        }
        done.complete();
    }
}
