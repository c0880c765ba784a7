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
        if (events == null) {
            throw new NullPointerException("events is null: merge needs a collection of events (an empty one is Event.NO_EVENT)");
        }
        EventImpl[] pending = new EventImpl[events.size()];
        int count = 0;
        int index = 0;
        for (Event e : events) {
            if (e == null) {
                throw new NullPointerException("events[" + index + "] is null: use Event.NO_EVENT for an event that has always triggered");
            }
            index++;
            EventImpl event = EventImpl.of(e);
            // One read of the state: an input poisoned between two reads (poisoned? no; finished?
            // yes) would be skipped as triggered, and the merge would trigger past the poison.
            switch (event.status()) {
                case PENDING -> pending[count++] = event;
                case POISONED -> {
                    if (!ignoreFaults) {
                        return EventImpl.poisoned(event.poison()); // terminal: a second read sees the same poison
                    }
                }
                case TRIGGERED -> {}
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
                merged.arrive(null, pending[i].poison(), false);
            }
        }
        merged.arrive(null, null, false); // the guard: the merge cannot finish while inputs are still being added
        return merged;
    }

    /**
     * A merge. Its inputs arrive through its waiters on them (an {@link Input} node, or a slot of a
     * {@link MergeBlock}), each decrementing {@code remaining} atomically. A wide merge is instead
     * counted without an atomic operation per input when its inputs are dispatched on the thread
     * that created it (a graph built and triggered by one thread, a task merging work that completes
     * on its own processor): that thread's {@link Dispatcher} is the merge's {@code holder}, adds
     * each arrival it dispatches to the plain {@code held} count ({@link #arrive}), and subtracts
     * them from {@code remaining} with one atomic operation when its dispatch loop ends ({@link
     * #releaseHeld}); when they are all that is left, it completes the merge at once, where an
     * atomic count would have. Arrivals dispatched on other threads take the atomic path, so none is
     * lost; a merge they complete triggers when the holder hands its arrivals over.
     */
    static final class MergeEvent extends EventImpl {
        /** Merges of fewer inputs than this are counted atomically: holding arrivals would save nothing. */
        private static final int HELD_MIN_INPUTS = 4;
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(MergeEvent.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final boolean ignoreFaults;

        /** The dispatcher of the creating thread, which counts its arrivals in {@code held}; null for a narrow merge. */
        private final Dispatcher holder;

        /** Inputs (plus one guard) still to arrive, held ones included; decremented atomically through {@link #REMAINING}. */
        @SuppressWarnings("unused")
        private volatile int remaining;

        /** Arrivals counted by {@code holder} and not yet subtracted; read and written by its thread only. */
        private int held;

        MergeEvent(int remaining, boolean ignoreFaults) {
            this.remaining = remaining;
            this.ignoreFaults = ignoreFaults;
            this.holder = remaining > HELD_MIN_INPUTS ? Dispatcher.current() : null;
        }

        /** A node by which this merge waits on one input that no other merge waits on yet. */
        Node newWaiter() {
            return new Input(this);
        }

        /**
         * One input arrived.
         *
         * @param dispatcher the dispatcher of this thread that dispatched the arrival, or null outside a dispatch
         * @param lastOfLoop whether nothing else of that dispatch loop could arrive after it (then holding it saves nothing)
         */
        void arrive(Dispatcher dispatcher, Poison poison, boolean lastOfLoop) {
            if (holder != dispatcher || holder == null || (held == 0 && lastOfLoop)) {
                if (poison != null && !ignoreFaults) {
                    finishFrom(dispatcher, poison); // poisoned as soon as one input is; later arrivals change nothing
                }
                if ((int) REMAINING.getAndAdd(this, -1) == 1) {
                    finishFrom(dispatcher, null);
                }
                return;
            }
            if (poison != null && !ignoreFaults) {
                finishFrom(dispatcher, poison);
            }
            if (++held == remaining) {
                // Every arrival still missing is held here, so no other thread can touch the count:
                // complete now, where an atomic count would have, without an atomic operation.
                held = 0;
                REMAINING.setRelease(this, 0);
                finishFrom(dispatcher, null);
            } else if (held == 1) {
                dispatcher.hold(this);
            }
        }

        /** Subtracts the arrivals its holder holds; on the holder's thread, when its dispatch loop ends. */
        void releaseHeld(Dispatcher dispatcher) {
            int arrivals = held;
            if (arrivals == 0) {
                return; // completed, or handed over already
            }
            held = 0;
            if ((int) REMAINING.getAndAdd(this, -arrivals) == arrivals) {
                finishFrom(dispatcher, null);
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
        boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
            merged.arrive(dispatcher, poison, dispatcher != null && dispatcher.runningLastWaiter());
            return true;
        }

        /** A second merge waiting on the same event: the two share a block from now on. */
        @Override
        Node withMerge(MergeEvent merge) {
            return new MergeBlock(MergeBlock.FIRST_CAPACITY, merge);
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("a merge's input is told through tryFire");
        }
    }
}
