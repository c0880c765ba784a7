package dev.kairos;

import dev.kairos.internal.mem.InstanceImpl;
import dev.kairos.internal.mem.Instances;
import java.util.Map;

/**
 * A region instance handle ({@code inst:17}): the storage of some fields over a rect of points, in
 * one memory.
 *
 * <p>Allocation is deferred: {@link #create} returns at once, and the instance gets its bytes when
 * its precondition has triggered and the memory can place it. {@link #ready()} triggers then. Under
 * memory pressure the memory decides at once whether the request will ever fit, counting only on
 * releases ({@link #destroy(Event)} calls) made before this {@code create} returned; a request that
 * can never fit poisons {@link #ready()} with a message naming the memory and the sizes.
 */
public sealed interface RegionInstance extends Comparable<RegionInstance> permits InstanceImpl {

    /**
     * Creates an instance of {@code memory} for the points of {@code bounds} with one field per entry
     * of {@code fieldSizes} (field id to bytes), laid out as arrays of structs ({@code blockSize} 1)
     * or structs of arrays ({@code blockSize} 0). Never blocks.
     *
     * @throws IllegalArgumentException for a null memory, a field size &lt;= 0, a block size other than
     *     0 or 1, no fields, or an instance larger than the memory's capacity (the message names both
     *     sizes)
     */
    static RegionInstance create(Memory memory, Rect bounds, Map<Integer, Long> fieldSizes, int blockSize,
            ProfilingRequestSet profiling, Event waitOn) {
        return Instances.create(memory, bounds, fieldSizes, blockSize, profiling, waitOn);
    }

    /** As {@link #create(Memory, Rect, Map, int, ProfilingRequestSet, Event)} without profiling. */
    static RegionInstance create(Memory memory, Rect bounds, Map<Integer, Long> fieldSizes, int blockSize, Event waitOn) {
        return Instances.create(memory, bounds, fieldSizes, blockSize, ProfilingRequestSet.NONE, waitOn);
    }

    /**
     * Triggers when the instance's bytes are allocated; poisoned if the allocation failed, or if the
     * precondition of {@code create} was poisoned.
     */
    Event ready();

    /**
     * Frees the instance's bytes once {@code waitOn} triggers (and the allocation has resolved).
     * Destroying an instance whose allocation failed or was cancelled is a harmless no-op.
     *
     * @return an event that triggers when the bytes are free; poisoned if {@code waitOn} is poisoned,
     *     in which case the destroy is cancelled and the instance may be destroyed again
     * @throws IllegalStateException if the instance was already destroyed (unless that destroy was
     *     cancelled)
     */
    Event destroy(Event waitOn);

    /** As {@link #destroy(Event)} with no precondition. */
    default Event destroy() {
        return destroy(Event.NO_EVENT);
    }

    InstanceLayout layout();

    /**
     * Host access to {@code fieldId}.
     *
     * @throws IllegalStateException if the instance is in a memory the host cannot access
     *     ({@link MemoryKind#GPU_FB}), is not ready yet, or was destroyed
     * @throws IllegalArgumentException if the instance has no such field
     */
    AffineAccessor accessor(int fieldId);

    Memory memory();

    /** A stable id, unique in its runtime. */
    long id();

    @Override
    default int compareTo(RegionInstance other) {
        return Long.compare(id(), other.id());
    }
}
