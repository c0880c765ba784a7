package dev.kairos.jcstress.event;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.kairos.Event;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.event.UserEventImpl;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LII_Result;

/**
 * The arrivals at a wide merge that its creating thread's dispatcher counts in a plain field,
 * racing an arrival counted atomically on another thread. The merge is made on the first actor's
 * thread, over four user events chained to a root and one more input; that actor then triggers the
 * root, so its dispatcher holds the four chained arrivals, while the second actor finishes the last
 * input (before, while or after the merge registers on it). The merge must finish exactly once,
 * after all five inputs, poisoned exactly when the last input was cancelled.
 *
 * <p>r1: the merge's status; r2: how often its waiter was told; r3: 1 if it was told while an input
 * was still pending.
 */
public class HeldArrivalsStress {

    /** Counts how often it was told and whether any input was pending then. */
    static final class Watcher extends Node {
        private final List<? extends Event> inputs;
        int told;
        int early;

        Watcher(List<? extends Event> inputs) {
            this.inputs = inputs;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            told++;
            for (Event input : inputs) {
                if (!input.hasTriggered()) {
                    early = 1;
                }
            }
        }
    }

    abstract static class Base {
        final UserEventImpl root = new UserEventImpl();
        final UserEventImpl last = new UserEventImpl();
        final List<Event> inputs = new ArrayList<>();
        Watcher watcher;
        Event merge;

        Base() {
            for (int i = 0; i < 4; i++) {
                UserEventImpl chained = new UserEventImpl();
                chained.trigger(root);
                inputs.add(chained);
            }
            inputs.add(last);
        }

        /** On the first actor's thread: its dispatcher becomes the merge's holder. */
        void mergeAndTriggerRoot() {
            merge = Event.merge(inputs);
            watcher = new Watcher(inputs);
            EventImpl.of(merge).whenTriggered(watcher);
            root.trigger();
        }

        void record(LII_Result r) {
            r.r1 = merge.status();
            r.r2 = watcher.told;
            r.r3 = watcher.early;
        }
    }

    @JCStressTest
    @Outcome(id = "TRIGGERED, 1, 0", expect = ACCEPTABLE, desc = "triggered once, after every input")
    @Outcome(expect = FORBIDDEN, desc = "not finished, finished twice, poisoned, or finished before an input")
    @State
    public static class LastInputTriggered extends Base {
        @Actor
        public void holder() {
            mergeAndTriggerRoot();
        }

        @Actor
        public void other() {
            last.trigger();
        }

        @Arbiter
        public void arbiter(LII_Result r) {
            record(r);
        }
    }

    @JCStressTest
    @Outcome(id = {"POISONED, 1, 0", "POISONED, 1, 1"}, expect = ACCEPTABLE, desc = "poisoned once (as soon as the cancel arrives: the chained inputs may still be pending)")
    @Outcome(expect = FORBIDDEN, desc = "triggered past the cancel, not finished, or finished twice")
    @State
    public static class LastInputCancelled extends Base {
        @Actor
        public void holder() {
            mergeAndTriggerRoot();
        }

        @Actor
        public void other() {
            last.cancel();
        }

        @Arbiter
        public void arbiter(LII_Result r) {
            record(r);
        }
    }
}
