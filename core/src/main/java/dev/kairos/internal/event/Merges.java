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
        // once by whenTriggered, so the count always reaches zero.
        MergeEvent merged = new MergeEvent(count + 1, ignoreFaults);
        for (int i = 0; i < count; i++) {
            pending[i].whenTriggered(new Input(merged));
        }
        merged.arrive(null); // the guard: the merge cannot finish while inputs are still being added
        return merged;
    }

    static final class MergeEvent extends EventImpl {
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(MergeEvent.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final boolean ignoreFaults;

        /** Inputs (plus one guard) still to arrive; decremented atomically through {@link #REMAINING}. */
        @SuppressWarnings("unused")
        private volatile int remaining;

        MergeEvent(int remaining, boolean ignoreFaults) {
            this.remaining = remaining;
            this.ignoreFaults = ignoreFaults;
        }

        void arrive(Poison poison) {
            if (poison != null && !ignoreFaults) {
                poisonNow(poison); // poisoned as soon as one input is; later arrivals change nothing
            }
            if ((int) REMAINING.getAndAdd(this, -1) == 1) {
                triggerNow();
            }
        }
    }

    private static final class Input extends Node {
        private final MergeEvent merged;

        Input(MergeEvent merged) {
            this.merged = merged;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            merged.arrive(poison);
        }
    }
}
