package dev.kairos.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.testing.InProcessTestBackend;
import dev.kairos.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Random DAGs of user events, merges, chained user events and tasks (some of which fail), whose
 * roots are triggered or cancelled in random order, against a model that is obviously right: a node
 * is poisoned exactly when it is a cancelled root, a failing task that ran, or has a poisoned
 * precondition (merges ignoring faults excepted); a task runs exactly once when none of its
 * preconditions is poisoned, never otherwise, and only after all of them have triggered.
 */
class RandomEventGraphTest {

    enum Kind { ROOT, MERGE, MERGE_IGNORING_FAULTS, CHAINED, TASK, FAILING_TASK }

    /**
     * One node of a graph: its inputs are earlier nodes. A root may be cancelled and is finished in
     * the order of {@code rootOrder}; a task runs on processor {@code processor} (modulo their number).
     */
    record GraphNode(Kind kind, int[] inputs, boolean cancelled, int processor, int rootOrder) {
        @Override
        public String toString() {
            return switch (kind) {
                case ROOT -> (cancelled ? "ROOT cancelled" : "ROOT") + " order " + rootOrder;
                case TASK, FAILING_TASK -> kind + Arrays.toString(inputs) + " on " + processor;
                default -> kind + Arrays.toString(inputs);
            };
        }
    }

    /** A case: the graph and the number of CPU processors that run its tasks. */
    record Graph(int cpus, List<GraphNode> nodes) {
        static Graph generate(SplittableRandom random) {
            int size = random.nextInt(1, 81);
            int cpus = random.nextInt(1, 4);
            List<GraphNode> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (i == 0 || random.nextInt(5) == 0) {
                    nodes.add(new GraphNode(Kind.ROOT, new int[0], random.nextInt(4) == 0, 0, random.nextInt()));
                    continue;
                }
                Kind kind = switch (random.nextInt(10)) {
                    case 0, 1 -> Kind.MERGE;
                    case 2 -> Kind.MERGE_IGNORING_FAULTS;
                    case 3 -> Kind.CHAINED;
                    case 4 -> Kind.FAILING_TASK;
                    default -> Kind.TASK;
                };
                int fanIn = kind == Kind.CHAINED ? 1 : 1 + random.nextInt(Math.min(4, i));
                int[] inputs = random.ints(fanIn, 0, i).distinct().toArray();
                nodes.add(new GraphNode(kind, inputs, false, random.nextInt(cpus), 0));
            }
            return new Graph(cpus, nodes);
        }

        /**
         * Smaller graphs: a prefix (every node's inputs come before it, so a prefix is a graph), then
         * the graph without one node (its users lose that input; a chained event left without one
         * becomes a root), then fewer processors.
         */
        List<Graph> smaller() {
            List<Graph> smaller = new ArrayList<>();
            int n = nodes.size();
            for (int keep : new int[] {n / 2, 3 * n / 4, n - 1}) {
                if (keep >= 1 && keep < n && (smaller.isEmpty() || keep != smaller.getLast().nodes.size())) {
                    smaller.add(new Graph(cpus, nodes.subList(0, keep)));
                }
            }
            for (int removed = n - 1; removed >= 0 && n > 1; removed--) {
                smaller.add(without(removed));
            }
            if (cpus > 1) {
                smaller.add(new Graph(cpus - 1, nodes));
            }
            return smaller;
        }

        private Graph without(int removed) {
            List<GraphNode> rest = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (i == removed) {
                    continue;
                }
                GraphNode node = nodes.get(i);
                int[] inputs = Arrays.stream(node.inputs()).filter(in -> in != removed).map(in -> in > removed ? in - 1 : in).toArray();
                if (node.kind() == Kind.CHAINED && inputs.length == 0) {
                    rest.add(new GraphNode(Kind.ROOT, inputs, false, 0, 0));
                } else {
                    rest.add(new GraphNode(node.kind(), inputs, node.cancelled(), node.processor(), node.rootOrder()));
                }
            }
            return new Graph(cpus, rest);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("cpus=" + cpus + ", " + nodes.size() + " nodes:");
            for (int i = 0; i < nodes.size(); i++) {
                text.append("\n  ").append(i).append(' ').append(nodes.get(i));
            }
            return text.toString();
        }
    }

    @Test
    void everyOperationRunsOnceAfterItsPreconditionsAndPoisonReachesExactlyTheDownstream() {
        PropertyCheck.forAll("RandomEventGraphTest#everyOperationRunsOnceAfterItsPreconditionsAndPoisonReachesExactlyTheDownstream",
                        Graph::generate)
                .tries(150)
                .shrinkWith(Graph::smaller)
                .check(RandomEventGraphTest::agreesWithTheModel);
    }

    private static void agreesWithTheModel(Graph graph) {
        List<GraphNode> nodes = graph.nodes();
        int size = nodes.size();
        boolean[] expectPoisoned = new boolean[size];
        boolean[] expectRan = new boolean[size];
        for (int i = 0; i < size; i++) {
            GraphNode n = nodes.get(i);
            boolean inputPoisoned = false;
            for (int in : n.inputs()) {
                inputPoisoned |= expectPoisoned[in];
            }
            switch (n.kind()) {
                case ROOT -> expectPoisoned[i] = n.cancelled();
                case MERGE, CHAINED -> expectPoisoned[i] = inputPoisoned;
                case MERGE_IGNORING_FAULTS -> expectPoisoned[i] = false;
                case TASK, FAILING_TASK -> {
                    expectRan[i] = !inputPoisoned;
                    expectPoisoned[i] = inputPoisoned || n.kind() == Kind.FAILING_TASK;
                }
            }
        }

        try (Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(graph.cpus()).systemMemory(4096).build())) {
            List<Processor> processors = kairos.machine().processors().kind(ProcessorKind.CPU).list();
            AtomicIntegerArray runs = new AtomicIntegerArray(size);
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            Event[] events = new Event[size];
            TaskId<Integer> task = kairos.registerTask("node", Integer.class, TaskVariant.on(ProcessorKind.CPU, (ctx, i) -> {
                runs.incrementAndGet(i);
                for (int in : nodes.get(i).inputs()) {
                    if (!events[in].hasTriggered() || events[in].isPoisoned()) {
                        violations.add("node " + i + " ran while its input " + in + " was " + events[in].status());
                    }
                }
                if (nodes.get(i).kind() == Kind.FAILING_TASK) {
                    throw new IllegalStateException("node " + i + " fails");
                }
            }));
            List<Integer> roots = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                GraphNode n = nodes.get(i);
                List<Event> inputs = new ArrayList<>();
                for (int in : n.inputs()) {
                    inputs.add(events[in]);
                }
                events[i] = switch (n.kind()) {
                    case ROOT -> {
                        roots.add(i);
                        yield kairos.createUserEvent();
                    }
                    case MERGE -> Event.merge(inputs);
                    case MERGE_IGNORING_FAULTS -> Event.mergeIgnoringFaults(inputs);
                    case CHAINED -> {
                        UserEvent chained = kairos.createUserEvent();
                        chained.trigger(inputs.getFirst());
                        yield chained;
                    }
                    case TASK, FAILING_TASK -> processors.get(n.processor() % processors.size()).spawn(task, i, Event.merge(inputs));
                };
            }
            roots.sort(Comparator.comparingInt((Integer i) -> nodes.get(i).rootOrder()).thenComparingInt(i -> i));
            for (int root : roots) {
                if (nodes.get(root).cancelled()) {
                    ((UserEvent) events[root]).cancel();
                } else {
                    ((UserEvent) events[root]).trigger();
                }
            }
            Event.mergeIgnoringFaults(List.of(events)).await();

            assertThat(violations).isEmpty();
            for (int i = 0; i < size; i++) {
                assertThat(events[i].isPoisoned()).as("node %d (%s) poisoned", i, nodes.get(i).kind()).isEqualTo(expectPoisoned[i]);
                assertThat(events[i].hasTriggered()).as("node %d finished", i).isTrue();
                assertThat(runs.get(i)).as("runs of node %d (%s)", i, nodes.get(i).kind()).isEqualTo(expectRan[i] ? 1 : 0);
            }
        }
    }
}
