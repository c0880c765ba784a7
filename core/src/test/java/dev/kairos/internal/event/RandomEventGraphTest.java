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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random DAGs of user events, merges, chained user events and tasks (some of which fail), whose
 * roots are triggered or cancelled in random order, against a model that is obviously right: a node
 * is poisoned exactly when it is a cancelled root, a failing task that ran, or has a poisoned
 * precondition (merges ignoring faults excepted); a task runs exactly once when none of its
 * preconditions is poisoned, never otherwise, and only after all of them have triggered.
 */
class RandomEventGraphTest {

    enum Kind { ROOT, MERGE, MERGE_IGNORING_FAULTS, CHAINED, TASK, FAILING_TASK }

    record Node(Kind kind, int[] inputs) {}

    @Property(tries = 150)
    void everyOperationRunsOnceAfterItsPreconditionsAndPoisonReachesExactlyTheDownstream(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int size, @ForAll @IntRange(min = 1, max = 3) int cpus) {
        Random random = new Random(seed);
        List<Node> nodes = generate(random, size);
        boolean[] cancelledRoot = new boolean[size];
        for (int i = 0; i < size; i++) {
            cancelledRoot[i] = nodes.get(i).kind() == Kind.ROOT && random.nextInt(4) == 0;
        }
        boolean[] expectPoisoned = new boolean[size];
        boolean[] expectRan = new boolean[size];
        for (int i = 0; i < size; i++) {
            Node n = nodes.get(i);
            boolean inputPoisoned = false;
            for (int in : n.inputs()) {
                inputPoisoned |= expectPoisoned[in];
            }
            switch (n.kind()) {
                case ROOT -> expectPoisoned[i] = cancelledRoot[i];
                case MERGE, CHAINED -> expectPoisoned[i] = inputPoisoned;
                case MERGE_IGNORING_FAULTS -> expectPoisoned[i] = false;
                case TASK, FAILING_TASK -> {
                    expectRan[i] = !inputPoisoned;
                    expectPoisoned[i] = inputPoisoned || n.kind() == Kind.FAILING_TASK;
                }
            }
        }

        try (Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(cpus).systemMemory(4096).build())) {
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
                Node n = nodes.get(i);
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
                    case TASK, FAILING_TASK -> processors.get(random.nextInt(processors.size()))
                            .spawn(task, i, Event.merge(inputs));
                };
            }
            Collections.shuffle(roots, random);
            for (int root : roots) {
                if (cancelledRoot[root]) {
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

    private static List<Node> generate(Random random, int size) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (i == 0 || random.nextInt(5) == 0) {
                nodes.add(new Node(Kind.ROOT, new int[0]));
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
            nodes.add(new Node(kind, inputs));
        }
        return nodes;
    }
}
