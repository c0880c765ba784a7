package dev.kairos.internal.event;

import dev.kairos.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;

/** {@code Event.merge} and {@code Event.mergeIgnoringFaults}. */
public final class Merges {
    private Merges() {}

    /**
     * An event that triggers when every event of {@code events} has. Inputs already triggered are
     * skipped; with none left the result is {@link Event#NO_EVENT}; with one left (and faults not
     * ignored) it is that event itself, as in Realm.
     */
    public static Event merge(Collection<? extends Event> events, boolean ignoreFaults) {
        EventImpl[] pending = new EventImpl[events.size()];
        int count = 0;
        for (Event e : events) {
            EventImpl event = EventImpl.of(e);
            Poison poison = event.poison();
            if (poison != null && !ignoreFaults) {
                return EventImpl.poisoned(poison);
            }
            if (!event.hasTriggered()) {
                pending[count++] = event;
            }
        }
        if (count == 0) {
            return EventImpl.NO_EVENT;
        }
        if (count == 1 && !ignoreFaults) {
            return pending[0];
        }
        // Exactly the inputs counted above are registered: one that triggers in between is told at
        // once, here, so the count always reaches zero.
        MergeEvent merged = new MergeEvent(count + 1, ignoreFaults);
        for (int i = 0; i < count; i++) {
            if (!pending[i].addMergeWaiter(merged)) {
                merged.arrive(pending[i].poison());
            }
        }
        merged.arrive(null); // the guard: the merge cannot finish while inputs are still being added
        return merged;
    }

    /**
     * A merge. Its inputs arrive through its waiters on them (an {@link Input} node, or a slot of a
     * {@link MergeBlock}), each decrementing {@code remaining} atomically; when the input that triggers is dispatched by a {@link Dispatcher}, a wide merge
     * is instead counted by that dispatcher ({@link #arriveFrom}): the first such arrival claims the
     * merge for it (one CAS), later ones add to the plain {@code held} count, and the held arrivals
     * are subtracted from {@code remaining} with one atomic operation, at once when they are all that
     * is left (so the merge triggers exactly where it would have), else when the dispatcher's loop
     * ends. Arrivals from other threads meanwhile take the atomic path, so none is lost; a merge
     * they complete triggers when the holder hands its arrivals over.
     */
    static final class MergeEvent extends EventImpl {
        /** Merges of fewer inputs than this are counted atomically: claiming one would cost as much. */
        private static final int HELD_MIN_INPUTS = 4;
        private static final VarHandle REMAINING;
        private static final VarHandle HOLDER;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                REMAINING = lookup.findVarHandle(MergeEvent.class, "remaining", int.class);
                HOLDER = lookup.findVarHandle(MergeEvent.class, "holder", Dispatcher.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final boolean ignoreFaults;
        private final boolean countedByHolder;

        /** Inputs (plus one guard) still to arrive, held ones included; decremented atomically through {@link #REMAINING}. */
        @SuppressWarnings("unused")
        private volatile int remaining;

        /** The dispatcher holding arrivals of this merge, or null; claimed by CAS through {@link #HOLDER}. */
        @SuppressWarnings("unused")
        private volatile Dispatcher holder;

        /** Arrivals counted by {@code holder} and not yet subtracted; read and written by its thread only. */
        private int held;

        MergeEvent(int remaining, boolean ignoreFaults) {
            this.remaining = remaining;
            this.ignoreFaults = ignoreFaults;
            this.countedByHolder = remaining > HELD_MIN_INPUTS;
        }

        void arrive(Poison poison) {
            if (poison != null && !ignoreFaults) {
                poisonNow(poison); // poisoned as soon as one input is; later arrivals change nothing
            }
            if ((int) REMAINING.getAndAdd(this, -1) == 1) {
                triggerNow();
            }
        }

        /** An arrival dispatched by {@code dispatcher}, on its thread. */
        void arriveFrom(Dispatcher dispatcher, Poison poison) {
            if (!countedByHolder) {
                arrive(poison);
                return;
            }
            if (holder != dispatcher) {
                if (holder != null || !HOLDER.compareAndSet(this, null, dispatcher)) {
                    arrive(poison);
                    return;
                }
                dispatcher.hold(this);
            }
            if (poison != null && !ignoreFaults) {
                poisonNow(poison);
            }
            if (++held == remaining) {
                // Every arrival still missing is held here, so no other thread can touch the count:
                // complete now, where an atomic count would have, without another atomic operation.
                held = 0;
                REMAINING.setRelease(this, 0);
                HOLDER.setRelease(this, null);
                dispatcher.finish(this, null);
            }
        }

        /** Subtracts the arrivals {@code dispatcher} holds, if it still holds this merge; on its thread. */
        void releaseHeld(Dispatcher dispatcher) {
            if (holder != dispatcher) {
                return; // already handed over
            }
            int arrivals = held;
            held = 0;
            HOLDER.setRelease(this, null); // after clearing held: the next holder's CAS sees it zero
            if ((int) REMAINING.getAndAdd(this, -arrivals) == arrivals) {
                dispatcher.finish(this, null);
            }
        }
    }

    /** A merge's waiter on one of its inputs. */
    static final class Input extends Node {
        final MergeEvent merged;

        Input(MergeEvent merged) {
            this.merged = merged;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            merged.arrive(poison);
        }
    }
}
