package dev.kairos.internal.mem;

import dev.kairos.AffineAccessor;
import dev.kairos.Event;
import dev.kairos.InstanceLayout;
import dev.kairos.Memory;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.RegionInstance;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.op.Operation;
import dev.kairos.internal.prof.InstanceProfile;

/**
 * One region instance. It waits on its create precondition itself; its allocation lives in its
 * memory's planner, under the memory's lock, and the bytes it holds (once it does) in
 * {@link InstanceBytes}, which bounds every host access, copy and fill by its life.
 */
public final class InstanceImpl extends Node implements RegionInstance {
    final MemoryImpl memory;
    private final long id;
    private final InstanceLayout layout;
    /** The allocation: an operation whose event triggers when the bytes are there. */
    final Operation ready;
    final InstanceProfile profile;

    /** The planner's view of this instance; set before create returns, then only used under the memory's lock. */
    Allocation<InstanceImpl> allocation;

    /** The destroy that is pending or done, null if none or if it was cancelled. Guarded by the memory's lock. */
    DestroyOp destroy;

    /**
     * The bytes it holds: set under the memory's lock when the planner allocates them, before
     * {@link #ready} triggers, and never cleared (a destroyed instance's bytes report themselves
     * closed). Null while it has none.
     */
    volatile InstanceBytes bytes;

    InstanceImpl(MemoryImpl memory, long id, InstanceLayout layout, InstanceProfile profile) {
        this.memory = memory;
        this.id = id;
        this.layout = layout;
        this.profile = profile;
        this.ready = new AllocationOp(memory);
    }

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        memory.onCreatePrecondition(this, poison);
    }

    @Override
    public Event ready() {
        return ready;
    }

    @Override
    public Event destroy(Event waitOn) {
        return memory.destroy(this, EventImpl.of(waitOn));
    }

    @Override
    public InstanceLayout layout() {
        return layout;
    }

    @Override
    public AffineAccessor accessor(int fieldId) {
        var field = layout.field(fieldId);
        if (!memory.kind().isHostAccessible()) {
            throw new IllegalStateException(this + " lives in " + memory + " (" + memory.kind()
                    + "), which the host cannot access: copy it to SYSTEM or ZERO_COPY memory, or use a GPU task");
        }
        if (!ready.hasTriggered()) {
            throw new IllegalStateException(this + " is not ready yet: its allocation in " + memory
                    + " is pending (wait on ready())");
        }
        if (ready.isPoisoned()) {
            throw new IllegalStateException(this + " has no storage: its allocation failed or was cancelled ("
                    + ready.failure().map(Throwable::getMessage).orElse("") + ")");
        }
        InstanceBytes held = bytes;
        memory.checkAccessible(this, held);
        return new AccessorImpl(this, held, field, layout.bounds());
    }

    @Override
    public Memory memory() {
        return memory;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String toString() {
        return "inst:" + id;
    }

    /** The allocation of an instance's bytes, an operation whose event is the instance's {@code ready()}. */
    static final class AllocationOp extends Operation {
        AllocationOp(MemoryImpl memory) {
            super(memory.runtime().operations(), memory.runtime().profiling(), ProfilingRequestSet.NONE);
        }
    }

    /** The event {@code destroy} returns; it waits on the destroy's precondition itself. */
    static final class DestroyOp extends Operation {
        final InstanceImpl instance;

        DestroyOp(InstanceImpl instance) {
            super(instance.memory.runtime().operations(), instance.memory.runtime().profiling(), ProfilingRequestSet.NONE);
            this.instance = instance;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            instance.memory.onDestroyPrecondition(this, poison);
        }
    }
}
