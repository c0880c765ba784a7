package dev.kairos.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trace file read back the way a viewer reads it, and checked for what Perfetto and
 * {@code chrome://tracing} need before they draw anything: one JSON object whose keys they know, a
 * {@code traceEvents} array of events with a phase, integer pid and tid, a timestamp (except
 * metadata), names for every process and thread used, begin and end events that pair up on each
 * track, counters with numeric values, and flows whose start and end each sit inside a slice. On
 * top of the format it checks Kairos's own promises: events in time order, thread ids unique
 * across processes, and ends that repeat their begin's name (speedscope matches them by it).
 *
 * <p>What it read is kept as slices, instants, counters and flows, named by their process and
 * thread, for tests to inspect.
 */
public final class TraceModel {
    /** The top-level keys Perfetto's importer reads; it stops at any other. */
    private static final Set<String> KNOWN_KEYS = Set.of("traceEvents", "otherData", "displayTimeUnit", "metadata",
            "systemTraceEvents");

    /** A slice: a begin and its end on one thread. Times in microseconds. */
    public record Slice(String process, String thread, String name, double begin, double end, JsonNode args) {}

    /** A point in time on a thread. */
    public record Instant(String process, String thread, String name, double ts, JsonNode args) {}

    /** One value of a counter track. */
    public record CounterValue(String process, String name, double ts, String key, double value) {}

    /** An arrow from the slice enclosing its start to the slice it ends in. */
    public record Flow(Slice from, Slice to) {}

    public final JsonNode otherData;
    public final List<Slice> slices = new ArrayList<>();
    public final List<Instant> instants = new ArrayList<>();
    public final List<CounterValue> counters = new ArrayList<>();
    public final List<Flow> flows = new ArrayList<>();
    public final Map<Integer, String> processNames = new HashMap<>();
    public final Map<Integer, String> threadNames = new HashMap<>();

    private TraceModel(JsonNode otherData) {
        this.otherData = otherData;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws AssertionError naming the event and the rule it breaks
     */
    public static TraceModel read(Path file) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new AssertionError("a trace is one JSON object: " + file);
        }
        for (String key : root.propertyNames()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new AssertionError("top-level key " + key + " is not one a viewer reads (it would stop there)");
            }
        }
        JsonNode events = root.get("traceEvents");
        if (events == null || !events.isArray()) {
            throw new AssertionError("no traceEvents array");
        }
        TraceModel model = new TraceModel(root.path("otherData"));
        model.check(events);
        return model;
    }

    /** The slices on the thread named {@code thread}, in time order. */
    public List<Slice> slicesOn(String thread) {
        return slices.stream().filter(s -> s.thread().equals(thread)).sorted((a, b) -> Double.compare(a.begin(), b.begin())).toList();
    }

    /** The slices whose thread name starts with {@code prefix}, in time order. */
    public List<Slice> slicesOnThreadsStartingWith(String prefix) {
        return slices.stream().filter(s -> s.thread().startsWith(prefix)).sorted((a, b) -> Double.compare(a.begin(), b.begin())).toList();
    }

    /** The values of the counter named {@code name}, in time order. */
    public List<Double> counter(String name) {
        return counters.stream().filter(c -> c.name().equals(name)).map(CounterValue::value).toList();
    }

    /** The instants on the thread named {@code thread}, in time order. */
    public List<Instant> instantsOn(String thread) {
        return instants.stream().filter(i -> i.thread().equals(thread)).toList();
    }

    /** A slice begun and not yet ended; compared by identity, as two may look alike. */
    private static final class Open {
        final String name;
        final double begin;
        final JsonNode args;
        final long track;

        Open(String name, double begin, JsonNode args, long track) {
            this.name = name;
            this.begin = begin;
            this.args = args;
            this.track = track;
        }

        @Override
        public String toString() {
            return name + " from " + begin;
        }
    }

    private record FlowStart(Open enclosing, String cat, String name) {}

    private void check(JsonNode events) {
        Map<Integer, Integer> pidOfTid = new HashMap<>();
        Map<Long, Deque<Open>> open = new HashMap<>();
        Map<Open, Double> ends = new LinkedHashMap<>();
        Map<Long, FlowStart> flowStarts = new HashMap<>();
        List<Open[]> flowEnds = new ArrayList<>();
        Set<Integer> pidsUsed = new HashSet<>();
        Set<Long> threadsUsed = new HashSet<>();
        double last = 0;
        int index = 0;
        for (JsonNode e : events) {
            String where = "event " + index++ + " " + e;
            String ph = text(e, "ph", where);
            if (ph.length() != 1 || "BEXiICMsfbena".indexOf(ph.charAt(0)) < 0) {
                throw new AssertionError("unknown phase: " + where);
            }
            int pid = integer(e, "pid", where);
            int tid = integer(e, "tid", where);
            if (tid != 0) {
                Integer before = pidOfTid.putIfAbsent(tid, pid);
                if (before != null && before != pid) {
                    throw new AssertionError("tid " + tid + " used in processes " + before + " and " + pid + ": " + where);
                }
            }
            long track = (long) pid << 32 | tid;
            char phase = ph.charAt(0);
            if (phase == 'M') {
                metadata(e, pid, tid, where);
                continue;
            }
            JsonNode tsNode = e.get("ts");
            if (tsNode == null || !tsNode.isNumber() || tsNode.asDouble() < 0) {
                throw new AssertionError("no timestamp >= 0: " + where);
            }
            double ts = tsNode.asDouble();
            if (ts < last) {
                throw new AssertionError("out of time order (previous " + last + "): " + where);
            }
            last = ts;
            pidsUsed.add(pid);
            switch (phase) {
                case 'B' -> {
                    open.computeIfAbsent(track, t -> new ArrayDeque<>()).push(new Open(text(e, "name", where), ts, e.path("args"), track));
                    threadsUsed.add(track);
                }
                case 'E' -> {
                    Deque<Open> stack = open.get(track);
                    if (stack == null || stack.isEmpty()) {
                        throw new AssertionError("end without a begin on its track: " + where);
                    }
                    Open begun = stack.pop();
                    // The format lets an end go without a name; some viewers (speedscope) match by it, so Kairos repeats it.
                    if (!begun.name.equals(text(e, "name", where))) {
                        throw new AssertionError("an end names another slice than its begin (" + begun.name + "): " + where);
                    }
                    ends.put(begun, ts);
                }
                case 'i', 'I' -> {
                    text(e, "name", where);
                    threadsUsed.add(track);
                    instants.add(new Instant(String.valueOf(pid), String.valueOf(tid), e.get("name").asString(), ts, e.path("args")));
                }
                case 'C' -> {
                    String name = text(e, "name", where);
                    JsonNode args = e.get("args");
                    if (args == null || !args.isObject() || args.isEmpty()) {
                        throw new AssertionError("a counter needs args with values: " + where);
                    }
                    for (Map.Entry<String, JsonNode> v : args.properties()) {
                        if (!v.getValue().isNumber()) {
                            throw new AssertionError("counter value " + v.getKey() + " is not a number: " + where);
                        }
                        counters.add(new CounterValue(String.valueOf(pid), name, ts, v.getKey(), v.getValue().asDouble()));
                    }
                }
                case 's' -> {
                    long id = integer(e, "id", where);
                    Deque<Open> stack = open.get(track);
                    if (stack == null || stack.isEmpty()) {
                        throw new AssertionError("a flow starts outside any slice (viewers drop it): " + where);
                    }
                    if (flowStarts.put(id, new FlowStart(stack.peek(), text(e, "cat", where), text(e, "name", where))) != null) {
                        throw new AssertionError("flow id used twice: " + where);
                    }
                }
                case 'f' -> {
                    long id = integer(e, "id", where);
                    FlowStart start = flowStarts.remove(id);
                    if (start == null) {
                        throw new AssertionError("a flow ends without a start: " + where);
                    }
                    if (!start.cat().equals(text(e, "cat", where)) || !start.name().equals(text(e, "name", where))) {
                        throw new AssertionError("a flow's end names another cat or name than its start: " + where);
                    }
                    if (!"e".equals(e.path("bp").asString(""))) {
                        throw new AssertionError("a flow end should bind to its enclosing slice (bp e): " + where);
                    }
                    Deque<Open> stack = open.get(track);
                    if (stack == null || stack.isEmpty()) {
                        throw new AssertionError("a flow ends outside any slice: " + where);
                    }
                    flowEnds.add(new Open[] {start.enclosing(), stack.peek()});
                }
                default -> throw new AssertionError("phase Kairos does not write: " + where);
            }
        }
        if (!flowStarts.isEmpty()) {
            throw new AssertionError("flows start and never end (no arrow is drawn): ids " + flowStarts.keySet());
        }
        for (Map.Entry<Long, Deque<Open>> t : open.entrySet()) {
            if (!t.getValue().isEmpty()) {
                throw new AssertionError("slices never ended on track pid=" + (t.getKey() >> 32) + " tid="
                        + (t.getKey() & 0xFFFF_FFFFL) + ": " + t.getValue());
            }
        }
        for (int pid : pidsUsed) {
            if (!processNames.containsKey(pid)) {
                throw new AssertionError("process " + pid + " has events but no process_name");
            }
        }
        for (long track : threadsUsed) {
            if (!threadNames.containsKey((int) track)) {
                throw new AssertionError("thread " + (int) track + " has events but no thread_name");
            }
        }
        Map<Open, Slice> named = new HashMap<>();
        ends.forEach((o, end) -> named.put(o, new Slice(processNames.get((int) (o.track >> 32)), threadNames.get((int) o.track),
                o.name, o.begin, end, o.args)));
        slices.addAll(named.values());
        slices.sort((a, b) -> Double.compare(a.begin(), b.begin()));
        List<Instant> namedInstants = instants.stream().map(i -> new Instant(processNames.get(Integer.parseInt(i.process())),
                threadNames.get(Integer.parseInt(i.thread())), i.name(), i.ts(), i.args())).toList();
        instants.clear();
        instants.addAll(namedInstants);
        List<CounterValue> namedCounters = counters.stream().map(c -> new CounterValue(
                processNames.get(Integer.parseInt(c.process())), c.name(), c.ts(), c.key(), c.value())).toList();
        counters.clear();
        counters.addAll(namedCounters);
        for (Open[] f : flowEnds) {
            flows.add(new Flow(named.get(f[0]), named.get(f[1])));
        }
    }

    private void metadata(JsonNode e, int pid, int tid, String where) {
        String name = text(e, "name", where);
        JsonNode args = e.get("args");
        if (args == null || !args.isObject()) {
            throw new AssertionError("metadata without args: " + where);
        }
        switch (name) {
            case "process_name" -> processNames.put(pid, text(args, "name", where));
            case "thread_name" -> threadNames.put(tid, text(args, "name", where));
            case "process_sort_index", "thread_sort_index" -> integer(args, "sort_index", where);
            default -> throw new AssertionError("metadata Kairos does not write: " + where);
        }
    }

    private static String text(JsonNode e, String key, String where) {
        JsonNode v = e.get(key);
        if (v == null || !v.isString() || v.asString().isEmpty()) {
            throw new AssertionError("no " + key + " string: " + where);
        }
        return v.asString();
    }

    private static int integer(JsonNode e, String key, String where) {
        JsonNode v = e.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new AssertionError("no integer " + key + ": " + where);
        }
        return v.asInt();
    }
}
