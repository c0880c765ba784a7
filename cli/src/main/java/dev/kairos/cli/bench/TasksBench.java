package dev.kairos.cli.bench;


import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.cli.Sizes;
import dev.kairos.cli.Placement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Realm's task_ubench: empty tasks on one CPU processor, spawn rate and completion rate.
 *
 * <p>Realm's shape: a launcher task on the processor spawns every task behind one pending gate
 * event (so none runs while spawning) and merges their events; the spawn time is the launcher's
 * run. The completion time runs from triggering the gate to the merge. The ungated case is the
 * plain loop of a program: spawns with no precondition from the main thread, completion from the
 * first spawn to the last task's end, which can never beat the spawn rate.
 */
@Command(name = "tasks",
        header = "Empty tasks on one CPU processor: spawn and completion rates (Realm's task_ubench).", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Empty tasks on one CPU processor (Realm's task_ubench), three cases:",
            "  gated    Realm's shape: a launcher task on the processor spawns N tasks that all wait on one pending event, "
                    + "and merges their events. spawn = N / the launcher's run; completion = N / (trigger of the gate -> "
                    + "the merge of all N has triggered).",
            "  chained  the same, each task waiting on the one before it (task_ubench -c).",
            "  ungated  N spawns from the main thread with no precondition. spawn = N / the spawn loop; completion = N / "
                    + "(first spawn -> last task finished). Tasks of one processor run in the order they became ready, so "
                    + "the last task's end is the end of all.",
            "",
            "Realm on the project's machines (-ll:cpu 1, 2 cores): 100 000 tasks: spawn 3.6 M tasks/s (3.4-3.8), "
                    + "completion 5.7 M tasks/s (4.4-6.0); 10 000 tasks: spawn 3.5 M, completion 3.3 M. Targets for 100 000: "
                    + "at least Realm's medians.",
            ""
        })
final class TasksBench extends BenchCommand.Benchmark {
    private static final String REALM_100K = "task_ubench -n 100000 -s 5, -ll:cpu 1, 2 cores, median of 5 samples (range)";
    private static final String REALM_10K = "task_ubench -n 10000 -s 5, -ll:cpu 1, 2 cores";

    @Option(names = "--tasks", paramLabel = "N", description = "Empty tasks per run (task_ubench -n). Default: ${DEFAULT-VALUE}.")
    int tasks = 100_000;

    @Override
    String title() {
        return Sizes.group(tasks) + " empty tasks on one CPU processor: spawn and completion rates";
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("tasks", tasks);
        p.put("cpus", config().cpuProcessors());
        return p;
    }

    @Override
    void checkParameters() {
        if (tasks < 1) {
            throw bad("--tasks=" + tasks + " must be >= 1");
        }
    }

    @Override
    void measure(Report report) throws Exception {
        Unit rate = Unit.rate("tasks");
        Metric spawn = Metric.of("spawn", rate);
        Metric completion = Metric.of("completion", rate);
        if (tasks == 100_000) {
            spawn = spawn.realm(new Metric.Realm(3.6e6, 3.4e6, 3.8e6, REALM_100K)).target(new Metric.Target(3.6e6));
            completion = completion.realm(new Metric.Realm(5.7e6, 4.4e6, 6.0e6, REALM_100K)).target(new Metric.Target(5.7e6));
        } else if (tasks == 10_000) {
            spawn = spawn.realm(Metric.Realm.of(3.5e6, REALM_10K));
            completion = completion.realm(Metric.Realm.of(3.3e6, REALM_10K));
        }
        try (Kairos kairos = startRuntime()) {
            Processor cpu = Placement.cpu(kairos);
            TaskId<Object> empty = kairos.registerTask("empty", Object.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
            TaskId<Launch> launcher = kairos.registerTask("launcher", Launch.class,
                    TaskVariant.on(ProcessorKind.CPU, (ctx, launch) -> launch.spawnAll(ctx.processor())));
            Event[] events = new Event[tasks];
            run(report, "gated", List.of(spawn, completion), () -> gated(kairos, cpu, launcher, empty, false, events));
            run(report, "chained", List.of(Metric.of("spawn", rate), Metric.of("completion", rate)),
                    () -> gated(kairos, cpu, launcher, empty, true, events));
            run(report, "ungated", List.of(Metric.of("spawn", rate), Metric.of("completion", rate)),
                    () -> ungated(cpu, empty, events));
        }
        report.note("gated and chained follow task_ubench: spawn = tasks / launcher run; completion = tasks / (gate trigger -> all done).");
        report.note("ungated: completion = tasks / (first spawn -> last task done), so it cannot exceed the spawn rate.");
    }

    private double[] gated(Kairos kairos, Processor cpu, TaskId<Launch> launcher, TaskId<Object> empty, boolean chain,
            Event[] events) {
        UserEvent go = kairos.createUserEvent();
        UserEvent gate = kairos.createUserEvent();
        Launch launch = new Launch(empty, gate, chain, events);
        Event launched = cpu.spawn(launcher, launch, go);
        long t0 = System.nanoTime();
        go.trigger();
        launched.await();
        long t1 = System.nanoTime();
        Event done = launch.done;
        long t2 = System.nanoTime();
        gate.trigger();
        done.await();
        long t3 = System.nanoTime();
        Arrays.fill(events, null);
        return new double[] {perSecond(tasks, t1 - t0), perSecond(tasks, t3 - t2)};
    }

    private double[] ungated(Processor cpu, TaskId<Object> empty, Event[] events) {
        int n = events.length;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            events[i] = cpu.spawn(empty, null);
        }
        long t1 = System.nanoTime();
        events[n - 1].await(); // one processor runs equal-priority tasks in ready order: the last ends last
        long t2 = System.nanoTime();
        Arrays.fill(events, null);
        return new double[] {perSecond(n, t1 - t0), perSecond(n, t2 - t0)};
    }

    /**
     * The launcher task's arguments: it spawns every task behind {@code gate} and leaves in
     * {@link #done} the event of them all (a merge, or the chain's last task). {@code done} is read
     * after the launcher's own event triggered, which orders the write before the read.
     */
    static final class Launch {
        private final TaskId<Object> empty;
        private final Event gate;
        private final boolean chain;
        private final Event[] events;
        private Event done;

        Launch(TaskId<Object> empty, Event gate, boolean chain, Event[] events) {
            this.empty = empty;
            this.gate = gate;
            this.chain = chain;
            this.events = events;
        }

        void spawnAll(Processor processor) {
            Event previous = gate;
            for (int i = 0; i < events.length; i++) {
                previous = processor.spawn(empty, null, chain ? previous : gate);
                events[i] = previous;
            }
            done = chain ? previous : Event.merge(Arrays.asList(events));
        }
    }
}
