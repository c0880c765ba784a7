package dev.kairos.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's order against a model made of recursive calls: the events a waiter triggers are
 * triggered in order as it runs, and once it returns their waiters are told in that order, each
 * event's waiters (and everything they trigger, depth first) before the next event's and before the
 * next waiter of the outer event. Random graphs of waiters: some trigger a few events at once, some
 * hold several steps and stop after a step that triggered something, as a block of merges does; the
 * dispatcher's frames, its lone-waiter path and its nested firing must all keep the model's order.
 */
class DispatchOrderPropertyTest {

    /** A waiter registered on {@code event}: each step triggers the events it lists. */
    record Waiter(int event, List<int[]> steps) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("on " + event + ":");
            for (int[] step : steps) {
                s.append(" ").append(Arrays.toString(step));
            }
            return s.toString();
        }
    }

    /** Events 0..events-1, event 0 the root; waiters in the order they are registered. */
    record Graph(int events, List<Waiter> waiters) {}

    /** A waiter that runs its steps in order, stopping after one that triggered something while dispatched. */
    private static final class Script extends SteppedNode {
        private final String name;
        private final List<int[]> steps;
        private final EventImpl[] events;
        private final List<String> log;
        private int next;

        Script(String name, List<int[]> steps, EventImpl[] events, List<String> log) {
            this.name = name;
            this.steps = steps;
            this.events = events;
            this.log = log;
        }

        @Override
        boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
            while (next < steps.size()) {
                int step = next++;
                log.add(name + "." + step);
                for (int e : steps.get(step)) {
                    events[e].finishFrom(dispatcher, null);
                }
                if (next < steps.size() && dispatcher != null && dispatcher.triggeredNested()) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void triggersInsideWaitersAreToldInTheModelsOrder() {
        PropertyCheck.forAll("DispatchOrderPropertyTest#triggersInsideWaitersAreToldInTheModelsOrder",
                        DispatchOrderPropertyTest::randomGraph)
                .tries(500)
                .shrinkWith(PropertyCheck.dropElements(Graph::waiters, (g, w) -> new Graph(g.events(), w)))
                .check(graph -> assertThat(dispatched(graph)).containsExactlyElementsOf(model(graph)));
    }

    /**
     * Events each finished by at most one step of one waiter, as in the runtime, where a user event
     * is finished by its trigger, a merge by its last input and an operation's event by the
     * operation: which of two waiters finishing one event comes first never arises there, and the
     * dispatcher's nested firing may answer it differently from its queue.
     */
    private static Graph randomGraph(SplittableRandom random) {
        int events = 2 + random.nextInt(30);
        List<Integer> waitsOn = new ArrayList<>(); // each waiter's event, in registration order
        List<Integer> stepCounts = new ArrayList<>();
        List<List<Integer>> steps = new ArrayList<>(); // every step of every waiter, in that order
        int[] stepsBefore = new int[events]; // steps of the waiters on events before e: a prefix of steps
        for (int e = 0; e < events - 1; e++) {
            stepsBefore[e] = steps.size();
            int count = random.nextInt(4);
            for (int w = 0; w < count; w++) {
                int stepCount = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(3);
                waitsOn.add(e);
                stepCounts.add(stepCount);
                for (int k = 0; k < stepCount; k++) {
                    steps.add(new ArrayList<>());
                }
            }
        }
        stepsBefore[events - 1] = steps.size();
        for (int target = 1; target < events; target++) {
            int candidates = stepsBefore[target]; // forward only: no cycles
            if (candidates > 0 && random.nextInt(10) < 9) {
                List<Integer> step = steps.get(random.nextInt(candidates));
                step.add(random.nextInt(step.size() + 1), target);
            }
        }
        List<Waiter> waiters = new ArrayList<>();
        int next = 0;
        for (int w = 0; w < waitsOn.size(); w++) {
            List<int[]> own = new ArrayList<>();
            for (int k = 0; k < stepCounts.get(w); k++) {
                own.add(steps.get(next++).stream().mapToInt(Integer::intValue).toArray());
            }
            waiters.add(new Waiter(waitsOn.get(w), own));
        }
        return new Graph(events, waiters);
    }

    /** What the dispatcher logs when the root triggers. */
    private static List<String> dispatched(Graph graph) {
        EventImpl[] events = new EventImpl[graph.events()];
        for (int e = 0; e < events.length; e++) {
            events[e] = new UserEventImpl();
        }
        List<String> log = new ArrayList<>();
        for (int w = 0; w < graph.waiters().size(); w++) {
            Waiter waiter = graph.waiters().get(w);
            events[waiter.event()].addWaiter(new Script("w" + w, waiter.steps(), events, log));
        }
        events[0].triggerNow();
        return log;
    }

    /** The same graph told by recursive calls: each trigger tells its event's waiters before returning. */
    private static List<String> model(Graph graph) {
        List<String> log = new ArrayList<>();
        boolean[] triggered = new boolean[graph.events()];
        triggered[0] = true;
        tell(graph, 0, triggered, log);
        return log;
    }

    private static void tell(Graph graph, int event, boolean[] triggered, List<String> log) {
        for (int w = 0; w < graph.waiters().size(); w++) {
            Waiter waiter = graph.waiters().get(w);
            if (waiter.event() != event) {
                continue;
            }
            for (int step = 0; step < waiter.steps().size(); step++) {
                log.add("w" + w + "." + step);
                List<Integer> fresh = new ArrayList<>();
                for (int e : waiter.steps().get(step)) {
                    if (!triggered[e]) {
                        triggered[e] = true;
                        fresh.add(e);
                    }
                }
                for (int e : fresh) {
                    tell(graph, e, triggered, log);
                }
            }
        }
    }
}
