package dev.kairos.jcstress.event;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.kairos.Event;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.event.UserEventImpl;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * A trigger racing the registration of a waiter: whichever wins the event's state, the waiter is
 * told exactly once, by the dispatch of the trigger or by its own registration.
 */
public class WaiterRegistrationStress {

    /** Counts how often it was told. */
    static final class Counter extends Node {
        int told;

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            told++;
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "told once")
    @Outcome(expect = FORBIDDEN, desc = "never told, or told twice")
    @State
    public static class PlainWaiter {
        final EventImpl event = new EventImpl();
        final Counter waiter = new Counter();

        @Actor
        public void register() {
            event.whenTriggered(waiter);
        }

        @Actor
        public void trigger() {
            event.triggerNow();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = waiter.told;
        }
    }

    /**
     * A merge registering on an event that two merges already wait on (so it goes into their
     * {@code MergeBlock}: reserve a slot, then fill it) while the event triggers (its dispatcher
     * closes the block and reads the slots). r1: the merge finished before its other input did;
     * r2: it finished once its other input did.
     */
    @JCStressTest
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "the event arrived at the merge exactly once")
    @Outcome(id = "true, true", expect = FORBIDDEN, desc = "the event arrived twice: the merge finished before its other input")
    @Outcome(id = "false, false", expect = FORBIDDEN, desc = "the event's arrival was lost: the merge never finishes")
    @State
    public static class MergeIntoBlock {
        final UserEventImpl event = new UserEventImpl();
        final UserEventImpl other = new UserEventImpl();
        final UserEventImpl[] earlier = {new UserEventImpl(), new UserEventImpl()};
        Event merge;

        public MergeIntoBlock() {
            for (UserEventImpl e : earlier) {
                Event.merge(List.of(event, e));
            }
        }

        @Actor
        public void register() {
            merge = Event.merge(List.of(event, other));
        }

        @Actor
        public void trigger() {
            event.trigger();
        }

        @Arbiter
        public void arbiter(ZZ_Result r) {
            r.r1 = merge.hasTriggered();
            other.trigger();
            r.r2 = merge.hasTriggered();
        }
    }
}
