package dev.kairos.internal.event;

import dev.kairos.internal.event.Merges.MergeEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Merges waiting on one event, packed into one node of its waiter stack, in the order they were
 * registered: an event that many merges wait on (a level of a merge DAG) holds a reference per
 * merge here instead of a node per merge, a sixth of the memory, which the dispatcher reads in
 * order instead of chasing links.
 *
 * <p>A merge is added by reserving the next slot (CAS on {@code count}) and then filling it (CAS
 * from null). When the event triggers, the dispatcher closes the block ({@link #close}: no more
 * reservations) and reads the slots; a slot reserved but not yet filled it marks taken, so the
 * adder's fill fails and the adder tells its merge itself, as for an event that had already
 * triggered. Reading a filled slot is a plain load: no atomic operation per merge.
 */
final class MergeBlock extends Node {
    /** Capacity of the block started when a merge follows a single {@link Merges.Input} on the stack. */
    static final int FIRST_CAPACITY = 16;

    private static final int MAX_CAPACITY = 256;
    static final int CLOSED = -1;
    static final int FULL = -2;
    private static final MergeEvent TAKEN = new MergeEvent(1, false);
    private static final VarHandle COUNT;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(MergeEvent[].class);

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(MergeBlock.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What {@link #tryAdd} did. */
    enum Added { ADDED, FULL, CLOSED }

    private final MergeEvent[] slots;

    /** Slots reserved; {@link #CLOSED} once the event triggered. Through {@link #COUNT}. */
    @SuppressWarnings("unused")
    private volatile int count;

    /** Slots reserved when closed; the dispatcher's alone from then on. */
    int size;

    /** The next slot the dispatcher reads; the dispatcher's alone. */
    int cursor;

    /** A block of {@code capacity} slots holding {@code first} in its first. */
    MergeBlock(int capacity, MergeEvent first) {
        slots = new MergeEvent[capacity];
        slots[0] = first;
        count = 1; // volatile write after the slot: published together by the push that follows
    }

    /** A block for what follows this one, full, on the stack: twice as large, up to a limit. */
    MergeBlock next(MergeEvent first) {
        return new MergeBlock(Math.min(slots.length * 2, MAX_CAPACITY), first);
    }

    /** Adds {@code merge} after the merges already here, unless the block is full or closed. */
    Added tryAdd(MergeEvent merge) {
        int slot = reserve();
        if (slot < 0) {
            return slot == CLOSED ? Added.CLOSED : Added.FULL;
        }
        return fill(slot, merge) ? Added.ADDED : Added.CLOSED;
    }

    /** The next slot, now reserved; or {@link #CLOSED}, or {@link #FULL}. */
    int reserve() {
        for (;;) {
            int c = count;
            if (c == CLOSED) {
                return CLOSED;
            }
            if (c == slots.length) {
                return FULL;
            }
            if (COUNT.compareAndSet(this, c, c + 1)) {
                return c;
            }
        }
    }

    /** Puts {@code merge} in a reserved slot; false if the dispatcher took the slot first (the event triggered). */
    boolean fill(int slot, MergeEvent merge) {
        return SLOTS.compareAndSet(slots, slot, (MergeEvent) null, merge);
    }

    /** Stops reservations; called once, by the dispatcher of the event that triggered. */
    void close() {
        size = (int) COUNT.getAndSet(this, CLOSED);
        cursor = 0;
    }

    /** The merge in {@code slot}, or null if its adder had not filled it (it then tells the merge itself). */
    MergeEvent take(int slot) {
        MergeEvent merge = (MergeEvent) SLOTS.getAcquire(slots, slot);
        if (merge == null) {
            merge = (MergeEvent) SLOTS.compareAndExchange(slots, slot, (MergeEvent) null, TAKEN);
            if (merge == null) {
                return null;
            }
        }
        return merge;
    }

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        throw new IllegalStateException("a merge block is read by the dispatcher, never told");
    }
}
