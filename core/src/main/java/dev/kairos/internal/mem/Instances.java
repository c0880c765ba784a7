package dev.kairos.internal.mem;

import dev.kairos.Event;
import dev.kairos.InstanceLayout;
import dev.kairos.Memory;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import java.util.Map;

/** {@code RegionInstance.create}: argument checks, then the memory. */
public final class Instances {
    private Instances() {}

    public static RegionInstance create(Memory memory, Rect bounds, Map<Integer, Long> fieldSizes, int blockSize,
            ProfilingRequestSet profiling, Event waitOn) {
        if (memory == null) {
            throw new IllegalArgumentException("memory is null: pick one from kairos.machine().memories()");
        }
        if (!(memory instanceof MemoryImpl impl)) {
            throw new IllegalArgumentException(memory + " is not a Kairos memory");
        }
        if (profiling == null) {
            throw new IllegalArgumentException("profiling is null; use ProfilingRequestSet.NONE");
        }
        InstanceLayout layout = InstanceLayout.of(bounds, fieldSizes, blockSize);
        if (layout.totalBytes() > impl.capacity()) {
            throw new IllegalArgumentException("instance of " + layout.totalBytes() + " bytes (bounds=" + bounds
                    + ", fields=" + fieldSizes.keySet() + ", blockSize=" + blockSize + ") is larger than " + memory
                    + " capacity=" + impl.capacity() + " bytes");
        }
        return impl.create(layout, profiling, waitOn);
    }
}
