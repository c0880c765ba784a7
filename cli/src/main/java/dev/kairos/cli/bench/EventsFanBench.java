package dev.kairos.cli.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.UserEvent;
import dev.kairos.cli.Sizes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Event-graph throughput: a DAG of user and merge events is built, its root triggered and its end
 * awaited; only trigger-to-end is timed.
 */
@Command(name = "events-fan",
        header = "Event-graph throughput in events triggered per second (Realm's event_ubench FAN, and a merge DAG).", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Event-graph throughput: build a DAG of events, trigger its root, wait for its end; only trigger -> end is timed. "
                    + "Two cases:",
            "  dag  Realm's event throughput shape: TRACKS independent tracks of LEVELS levels of FANOUT events each. Level 0: "
                    + "user events, each triggered by the root (trigger(root)); every later event: a merge of all FANOUT events "
                    + "of the level before it in its track. The end is a merge of the last level of every track. Counted: every "
                    + "event triggered = root + TRACKS x LEVELS x FANOUT + end. Also shown: waiter notifications (one per edge "
                    + "of the DAG: Realm's \"triggers performed\").",
            "  fan  Realm's event_ubench FAN: SAMPLES samples, each a start event (triggered by the root) fanning out to "
                    + "SAMPLE-EVENTS user events merged into one wait event; the end is a merge of the wait events. Counted as "
                    + "event_ubench does: SAMPLES x (SAMPLE-EVENTS + 2).",
            "Each run builds its whole graph before triggering it, so a run may build at most 10 000 000 events (TRACKS x "
                    + "LEVELS x FANOUT, and SAMPLES x (SAMPLE-EVENTS + 2)) and the dag at most 100 000 000 waiter notifications: "
                    + "about 1 GB of heap each.",
            "",
            "Realm on the project's machines: event_ubench FAN, 100 samples of 1 024 events: 13.6 M events/s (12.6-18.0). "
                    + "Target for both cases: at least that.",
            ""
        })
final class EventsFanBench extends BenchCommand.Benchmark {
    private static final Metric.Realm REALM_FAN = new Metric.Realm(13.6e6, 12.6e6, 18.0e6,
            "event_ubench -t FAN -s 100 (1 024 events per sample), -ll:cpu 1, 2 cores, median of runs (range)");

    /**
     * The most events one run of a case may build: the whole graph is built before its root is
     * triggered, at about 100 bytes of heap an event (measured: 2 M events need between 128 and 192
     * MiB), so the limit needs about 1 GB; Realm's shapes build 16 386 (dag) and 102 600 (fan).
     */
    static final long MAX_EVENTS = 10_000_000;

    /**
     * The most waiter notifications (edges) one run of the dag may build; each is a merge's input,
     * a few bytes of heap (9 M fitted in a heap of 48 MiB) but building it costs time at every run.
     * Realm's shape has 254 976.
     */
    static final long MAX_NOTIFICATIONS = 100_000_000;

    private static final String WHY_EVENTS = ": the whole graph is built before it is triggered, at about 100 bytes of heap "
            + "an event, so the limit needs about 1 GB";

    @Option(names = "--levels", paramLabel = "N", description = "Levels per track. Default: ${DEFAULT-VALUE}.")
    int levels = 32;

    @Option(names = "--tracks", paramLabel = "N", description = "Independent tracks. Default: ${DEFAULT-VALUE}.")
    int tracks = 32;

    @Option(names = "--fanout", paramLabel = "N",
            description = "Events per level, and fan-in of each merge from the level before. Default: ${DEFAULT-VALUE}.")
    int fanout = 16;

    @Option(names = "--samples", paramLabel = "N", description = "Samples of the fan case (event_ubench -s). Default: ${DEFAULT-VALUE}.")
    int samples = 100;

    @Option(names = "--sample-events", paramLabel = "N",
            description = "Fanned-out events per sample of the fan case (event_ubench -m/-n). Default: ${DEFAULT-VALUE}.")
    int sampleEvents = 1024;

    @Override
    String title() {
        return "trigger throughput of event DAGs (" + levels + " levels x " + tracks + " tracks x fan-in " + fanout + "; "
                + samples + " fans of " + sampleEvents + ")";
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("levels", levels);
        p.put("tracks", tracks);
        p.put("fanout", fanout);
        p.put("samples", samples);
        p.put("sampleEvents", sampleEvents);
        return p;
    }

    @Override
    void checkParameters() {
        if (levels < 1 || tracks < 1) {
            throw bad("--levels=" + levels + " --tracks=" + tracks + ": both must be >= 1");
        }
        if (fanout < 2) {
            // A merge of one event is that event itself (Realm's rule too): the DAG would hold no merges.
            throw bad("--fanout=" + fanout + " must be >= 2: a merge of one event is that event, so there would be nothing to merge");
        }
        if (samples < 1 || sampleEvents < 2) {
            throw bad("--samples=" + samples + " must be >= 1 and --sample-events=" + sampleEvents + " >= 2");
        }
        BigInteger dagEvents = big(tracks).multiply(big(levels)).multiply(big(fanout));
        if (dagEvents.compareTo(big(MAX_EVENTS)) > 0) {
            throw bad("--tracks=" + tracks + " x --levels=" + levels + " x --fanout=" + fanout + " = " + group(dagEvents)
                    + " events per run, above the limit of " + Sizes.group(MAX_EVENTS) + WHY_EVENTS);
        }
        BigInteger dagEdges = big(tracks).multiply(big(fanout)).multiply(big(levels - 1L).multiply(big(fanout)).add(big(2)));
        if (dagEdges.compareTo(big(MAX_NOTIFICATIONS)) > 0) {
            throw bad("--tracks=" + tracks + " --levels=" + levels + " --fanout=" + fanout + ": " + group(dagEdges)
                    + " waiter notifications per run (tracks x fanout x ((levels - 1) x fanout + 2), one per edge of the DAG), "
                    + "above the limit of " + Sizes.group(MAX_NOTIFICATIONS) + ": each edge is a waiter built before the graph "
                    + "is triggered, so the limit needs up to 1 GB of heap and seconds of building at every run");
        }
        BigInteger fanEvents = big(samples).multiply(big(sampleEvents + 2L));
        if (fanEvents.compareTo(big(MAX_EVENTS)) > 0) {
            throw bad("--samples=" + samples + " x (--sample-events=" + sampleEvents + " + 2) = " + group(fanEvents)
                    + " events per run, above the limit of " + Sizes.group(MAX_EVENTS) + WHY_EVENTS);
        }
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }

    private static String group(BigInteger value) {
        return String.format(Locale.ROOT, "%,d", value).replace(',', ' ');
    }

    @Override
    void measure(Report report) throws Exception {
        boolean realmShape = samples == 100 && sampleEvents == 1024;
        Unit events = Unit.rate("events");
        Metric dagEvents = Metric.of("events triggered", events).realm(REALM_FAN).target(new Metric.Target(REALM_FAN.median()));
        Metric fanEvents = Metric.of("events triggered", events);
        if (realmShape) {
            fanEvents = fanEvents.realm(REALM_FAN).target(new Metric.Target(REALM_FAN.median()));
        }
        long dagCount = 2 + (long) tracks * levels * fanout;
        long dagEdges = (long) tracks * fanout + (long) tracks * (levels - 1) * fanout * fanout + (long) tracks * fanout;
        long fanCount = (long) samples * (sampleEvents + 2);
        try (Kairos kairos = startRuntime()) {
            run(report, "dag", List.of(dagEvents, Metric.of("waiter notifications", Unit.rate("notifications"))), () -> {
                long nanos = time(buildDag(kairos));
                return new double[] {perSecond(dagCount, nanos), perSecond(dagEdges, nanos)};
            });
            run(report, "fan", List.of(fanEvents), () -> new double[] {perSecond(fanCount, time(buildFan(kairos)))});
        }
        report.note("dag counts " + Sizes.group(dagCount) + " events (root, " + tracks + " x " + levels + " x " + fanout
                + ", end) and " + Sizes.group(dagEdges) + " waiter notifications per run.");
        report.note("fan counts " + Sizes.group(fanCount) + " events per run: samples x (start + events + wait), as event_ubench.");
        if (!realmShape) {
            report.note("fan: Realm's figure is for 100 samples of 1 024 events; these parameters differ, so no ratio is shown for fan.");
        }
    }

    /** A built graph: trigger {@code root}, then the graph is done when {@code end} has triggered. */
    private record Graph(UserEvent root, Event end) {}

    private static long time(Graph graph) {
        long t0 = System.nanoTime();
        graph.root().trigger();
        graph.end().await();
        return System.nanoTime() - t0;
    }

    private Graph buildDag(Kairos kairos) {
        UserEvent root = kairos.createUserEvent();
        List<Event> leaves = new ArrayList<>(tracks * fanout);
        for (int t = 0; t < tracks; t++) {
            List<Event> previous = new ArrayList<>(fanout);
            for (int f = 0; f < fanout; f++) {
                UserEvent e = kairos.createUserEvent();
                e.trigger(root);
                previous.add(e);
            }
            for (int l = 1; l < levels; l++) {
                List<Event> level = new ArrayList<>(fanout);
                for (int f = 0; f < fanout; f++) {
                    level.add(Event.merge(previous));
                }
                previous = level;
            }
            leaves.addAll(previous);
        }
        return new Graph(root, Event.merge(leaves));
    }

    private Graph buildFan(Kairos kairos) {
        UserEvent root = kairos.createUserEvent();
        List<Event> waits = new ArrayList<>(samples);
        List<Event> inner = new ArrayList<>(sampleEvents);
        for (int s = 0; s < samples; s++) {
            UserEvent start = kairos.createUserEvent();
            start.trigger(root);
            inner.clear();
            for (int j = 0; j < sampleEvents; j++) {
                UserEvent e = kairos.createUserEvent();
                e.trigger(start);
                inner.add(e);
            }
            UserEvent wait = kairos.createUserEvent();
            wait.trigger(Event.merge(inner));
            waits.add(wait);
        }
        return new Graph(root, Event.merge(waits));
    }
}
