package dev.kairos.jcstress.event;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.kairos.Event;
import dev.kairos.internal.event.UserEventImpl;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * {@code Event.merge} racing the cancellation of one of its inputs: whether the cancel lands before,
 * while or after the merge reads its inputs, the merge comes out poisoned and the merge ignoring
 * faults triggered. Guards the merge that read an input's state twice (poisoned? then finished?)
 * and took an input poisoned between the two reads for a triggered one, so that the merge
 * triggered past a cancelled input.
 */
public class MergeRacingCancelStress {

    @JCStressTest
    @Outcome(id = "POISONED, TRIGGERED", expect = ACCEPTABLE, desc = "poisoned by the cancelled input; the merge ignoring faults triggered")
    @Outcome(expect = FORBIDDEN, desc = "the cancel was lost (a merge triggered past it) or a merge is still pending")
    @State
    public static class TwoInputs {
        final UserEventImpl cancelled = new UserEventImpl();
        final UserEventImpl other = new UserEventImpl();
        Event merge;
        Event ignoring;

        @Actor
        public void merge() {
            merge = Event.merge(List.of(cancelled, other));
            ignoring = Event.mergeIgnoringFaults(List.of(cancelled, other));
        }

        @Actor
        public void cancel() {
            cancelled.cancel();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            other.trigger();
            r.r1 = merge.status();
            r.r2 = ignoring.status();
        }
    }

    /** The same with six inputs: a wide merge, whose arrivals its creating thread's dispatcher may hold. */
    @JCStressTest
    @Outcome(id = "POISONED, TRIGGERED", expect = ACCEPTABLE, desc = "poisoned by the cancelled input; the merge ignoring faults triggered")
    @Outcome(expect = FORBIDDEN, desc = "the cancel was lost (a merge triggered past it) or a merge is still pending")
    @State
    public static class SixInputs {
        final UserEventImpl cancelled = new UserEventImpl();
        final UserEventImpl[] others = {new UserEventImpl(), new UserEventImpl(), new UserEventImpl(), new UserEventImpl(), new UserEventImpl()};
        Event merge;
        Event ignoring;

        @Actor
        public void merge() {
            List<Event> inputs = List.of(others[0], others[1], cancelled, others[2], others[3], others[4]);
            merge = Event.merge(inputs);
            ignoring = Event.mergeIgnoringFaults(inputs);
        }

        @Actor
        public void cancel() {
            cancelled.cancel();
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            for (UserEventImpl other : others) {
                other.trigger();
            }
            r.r1 = merge.status();
            r.r2 = ignoring.status();
        }
    }
}
