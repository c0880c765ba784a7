package dev.kairos.cli.bench;

import dev.kairos.Kairos;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskContext;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Realm's event_latency: a chain of user events, each triggered by a waiter on the next one built
 * ({@code next.trigger(mine)}), so triggering the last one built runs the whole chain.
 */
@Command(name = "events-latency",
        header = "A chain of user events: construction and trigger time per event (Realm's event_latency).", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Realm's event_latency: a chain of DEPTH user events, each triggered by a waiter on the one built after it "
                    + "(UserEvent.trigger(waitOn)); triggering the last one built runs the whole chain. Both figures are per "
                    + "event, divided by DEPTH + 1 as event_latency does. Two cases:",
            "  tasks   Realm's shape: the chain is built by a chain of builder tasks, each on the next processor of the machine "
                    + "(CPU and utility processors in turn), each creating one event and spawning the next builder; "
                    + "construction = first spawn -> last builder done.",
            "  thread  the chain is built by the main thread alone; construction = the loop of create + trigger(waitOn).",
            "trigger = trigger() of the first event -> await() of the last returned (both cases).",
            "",
            "Realm on the project's machines (chain of 1 024): trigger 0.35 µs/event (0.25-0.52); construction ~100 µs/event. "
                    + "Target: trigger at most 0.35 µs/event.",
            ""
        })
final class EventsLatencyBench extends BenchCommand.Benchmark {
    private static final String REALM_SHAPE = "event_latency -d 1024, -ll:cpu 1, 2 cores, median of runs (range)";

    @Option(names = "--depth", paramLabel = "N", description = "Events in the chain (event_latency -d). Default: ${DEFAULT-VALUE}.")
    int depth = 1024;

    @Override
    String title() {
        return "a chain of " + depth + " user events: construction and trigger time per event";
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("depth", depth);
        return p;
    }

    @Override
    void checkParameters() {
        if (depth < 1) {
            throw bad("--depth=" + depth + " must be >= 1");
        }
    }

    @Override
    void measure(Report report) throws Exception {
        boolean realmShape = depth == 1024;
        Metric construction = Metric.of("construction", Unit.MICROS_PER_EVENT);
        Metric trigger = Metric.of("trigger", Unit.MICROS_PER_EVENT);
        Metric tasksConstruction = construction;
        Metric tasksTrigger = trigger;
        if (realmShape) {
            tasksConstruction = construction.realm(Metric.Realm.of(100, REALM_SHAPE));
            tasksTrigger = trigger.realm(new Metric.Realm(0.35, 0.25, 0.52, REALM_SHAPE)).target(new Metric.Target(0.35));
        }
        try (Kairos kairos = startRuntime()) {
            List<Processor> processors = kairos.machine().processors().list().stream()
                    .filter(p -> p.kind() != ProcessorKind.GPU)
                    .toList();
            TaskId<Link> builder = kairos.registerTask("chain-builder", Link.class,
                    TaskVariant.on(ProcessorKind.CPU, EventsLatencyBench::build),
                    TaskVariant.on(ProcessorKind.UTILITY, EventsLatencyBench::build));
            run(report, "tasks", List.of(tasksConstruction, tasksTrigger), () -> byTasks(kairos, processors, builder));
            run(report, "thread", List.of(construction, trigger.target(new Metric.Target(0.35))), () -> byThread(kairos));
            report.note("tasks: builders run on " + processors.size() + " processors in turn (CPU and utility), as event_latency's do.");
        }
    }

    private double[] byTasks(Kairos kairos, List<Processor> processors, TaskId<Link> builder) {
        UserEvent last = kairos.createUserEvent();
        UserEvent built = kairos.createUserEvent();
        AtomicReference<UserEvent> first = new AtomicReference<>();
        long t0 = System.nanoTime();
        if (depth > 1) {
            processors.get(1 % processors.size()).spawn(builder, new Link(builder, depth - 1, last, processors, 1, built, first));
        } else {
            first.set(last);
            built.trigger();
        }
        built.await();
        long t1 = System.nanoTime();
        return new double[] {perEvent(t1 - t0), perEvent(timeTrigger(first.get(), last))};
    }

    private double[] byThread(Kairos kairos) {
        UserEvent last = kairos.createUserEvent();
        long t0 = System.nanoTime();
        UserEvent next = last;
        for (int i = 1; i < depth; i++) {
            UserEvent mine = kairos.createUserEvent();
            next.trigger(mine);
            next = mine;
        }
        long t1 = System.nanoTime();
        return new double[] {perEvent(t1 - t0), perEvent(timeTrigger(next, last))};
    }

    private static long timeTrigger(UserEvent first, UserEvent last) {
        long t0 = System.nanoTime();
        first.trigger();
        last.await();
        return System.nanoTime() - t0;
    }

    private double perEvent(long nanos) {
        return nanos / 1e3 / (depth + 1);
    }

    /** A builder's arguments: it creates one event, makes {@code next} wait on it, and passes its event on. */
    record Link(TaskId<Link> builder, int remaining, UserEvent next, List<Processor> processors, int processorIndex, UserEvent built,
            AtomicReference<UserEvent> first) {}

    private static void build(TaskContext ctx, Link link) {
        UserEvent mine = ctx.kairos().createUserEvent();
        link.next().trigger(mine);
        if (link.remaining() > 1) {
            int index = (link.processorIndex() + 1) % link.processors().size();
            link.processors().get(index).spawn(link.builder(), new Link(link.builder(), link.remaining() - 1, mine,
                    link.processors(), index, link.built(), link.first()));
        } else {
            link.first().set(mine);
            link.built().trigger();
        }
    }
}
