package dev.kairos.spi;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Copies and fills between host-accessible memories (SYSTEM, ZERO_COPY), on the calling (utility)
 * thread, for any backend whose memories have a host segment. Contiguous fields move as one bulk
 * copy; strided ones element by element. A contiguous fill writes the value once and then doubles
 * the filled prefix with bulk copies.
 */
public final class HostCopyEngine implements CopyEngine {

    @Override
    public void copy(List<FieldCopy> copies, Completion done) {
        try {
            for (FieldCopy c : copies) {
                copy(c);
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
                fill(f);
            }
        } catch (RuntimeException e) {
            done.fail(e);
            return;
        }
        done.complete();
    }

    private static void copy(FieldCopy c) {
        MemorySegment src = c.source().hostSegment();
        MemorySegment dst = c.destination().hostSegment();
        long size = c.elementSize();
        if (c.sourceStride() == size && c.destinationStride() == size) {
            MemorySegment.copy(src, c.sourceOffset(), dst, c.destinationOffset(), size * c.count());
            return;
        }
        for (long i = 0; i < c.count(); i++) {
            MemorySegment.copy(src, c.sourceOffset() + i * c.sourceStride(), dst, c.destinationOffset() + i * c.destinationStride(), size);
        }
    }

    private static void fill(FieldFill f) {
        MemorySegment dst = f.destination().hostSegment();
        MemorySegment value = MemorySegment.ofArray(f.value());
        long size = f.value().length;
        if (f.count() == 0) {
            return;
        }
        if (f.stride() != size) {
            for (long i = 0; i < f.count(); i++) {
                MemorySegment.copy(value, 0, dst, f.offset() + i * f.stride(), size);
            }
            return;
        }
        MemorySegment.copy(value, 0, dst, f.offset(), size);
        long total = size * f.count();
        for (long filled = size; filled < total; filled *= 2) {
            MemorySegment.copy(dst, f.offset(), dst, f.offset() + filled, Math.min(filled, total - filled));
        }
    }
}
