package dev.kairos.internal.event;

import dev.kairos.internal.event.Merges.MergeEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges waiting on one event, packed into one node of its waiter stack, in the order they were
 * registered: an event that many merges wait on (a level of a merge DAG) holds a reference per
 * merge here instead of a node per merge, a sixth of the memory, which the dispatcher reads in
 * order instead of chasing links.
 *
 * <p>A merge is added by reserving the next slot (CAS on {@code count}) and then filling it (CAS
 * from null). When the event has triggered, the first {@link #tryFire} closes the block (one atomic
 * exchange that makes it look full: no more reservations) and reads the slots; a slot reserved but
 * not yet filled it marks taken, so the adder's fill fails and the adder tells its merge itself, as
 * for an event that had already triggered. Reading a filled slot is a plain load: no atomic
 * operation per merge. An adder that finds no slot pushes a new block, which fails if the event has
 * triggered: it then sees the event terminal.
 */
final class MergeBlock extends Node {
    private static final Logger log = LoggerFactory.getLogger(MergeBlock.class);

    /** Capacity of the block started when a merge follows a single merge's input node on the stack. */
    static final int FIRST_CAPACITY = 16;

    /** What {@link #reserve} returns when the block is full or closed. */
    static final int NO_SLOT = -1;

    private static final int MAX_CAPACITY = 256;
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

    private final MergeEvent[] slots;

    /** Slots reserved; the capacity once closed. Through {@link #COUNT}. */
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
    private MergeBlock next(MergeEvent first) {
        return new MergeBlock(Math.min(slots.length * 2, MAX_CAPACITY), first);
    }

    @Override
    Node withMerge(MergeEvent merge) {
        int slot = reserve();
        if (slot == NO_SLOT) {
            return next(merge);
        }
        return fill(slot, merge) ? this : null;
    }

    /** The next slot, now reserved; or {@link #NO_SLOT} if the block is full or closed. */
    int reserve() {
        for (;;) {
            int c = count;
            if (c == slots.length) {
                return NO_SLOT;
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

    /** Stops reservations (the block looks full from now on) and keeps how many slots were reserved. */
    void close() {
        size = (int) COUNT.getAndSet(this, slots.length);
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

    /**
     * Tells the merges in order from the cursor on; stops after one that triggered an event, so that
     * its waiters run before the next merge of this block is told (depth first).
     */
    @Override
    boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
        if (cursor == 0) {
            close(); // the event has triggered: a merge registering from now on sees it terminal
        }
        for (;;) {
            int slot = cursor++;
            boolean last = cursor == size;
            MergeEvent merge = take(slot);
            if (merge != null) {
                try {
                    merge.arrive(dispatcher, poison, last && dispatcher.runningLastWaiter());
                } catch (Throwable t) {
                    // A runtime bug; the merges after this one must still be told.
                    log.error("Kairos internal error: merge {} waiting on {} threw", merge, source, t);
                }
            }
            if (last) {
                return true;
            }
            if (dispatcher.triggeredNested()) {
                return false;
            }
        }
    }

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        throw new IllegalStateException("a merge block is told through tryFire, by the dispatcher");
    }
}
