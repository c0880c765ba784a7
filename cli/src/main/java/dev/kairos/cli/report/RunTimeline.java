package dev.kairos.cli.report;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * What the report draws of one run, read back from the trace the run wrote
 * ({@code KairosConfig.trace}): the bytes in use of one memory over time, every change of it, and
 * the first slices of each processor and of the memory's instance lanes. The trace is read as a
 * stream of events, so only what is kept takes memory: two numbers per change of the counter and
 * a few slices per track.
 *
 * <p>It relies on the trace's layout as {@code dev.kairos.internal.trace.TraceFile} documents it:
 * the processors are the threads of the process "Kairos processors", a memory is the process
 * named after it ({@code mem:sys (SYSTEM)}), whose counter "mem:sys in use" counts bytes and whose
 * threads "instances #k" hold the instances' lives.
 */
public final class RunTimeline {
    /** A slice of a track, in microseconds since the runtime started. */
    public record Slice(String track, String name, double begin, double end) {}

    private final String memory;
    private double[] times = new double[256];
    private long[] bytes = new long[256];
    private int points;
    private final Map<String, List<Slice>> processors = new LinkedHashMap<>();
    private final List<Slice> instances = new ArrayList<>();
    private int lanes;

    private RunTimeline(String memory) {
        this.memory = memory;
    }

    /**
     * Reads the trace at {@code file}.
     *
     * @param memory the memory whose use to keep, by name ({@code mem:sys})
     * @param firstSlices how many slices to keep of each processor, and of the memory's instances
     * @throws tools.jackson.core.JacksonException if the file is not a complete JSON trace
     */
    public static RunTimeline read(Path file, String memory, int firstSlices) {
        RunTimeline timeline = new RunTimeline(memory);
        try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), file)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, file);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("traceEvents")) {
                    expect(p.currentToken(), JsonToken.START_ARRAY, file);
                    new Reader(timeline, firstSlices).events(p);
                } else {
                    p.skipChildren();
                }
            }
        }
        return timeline;
    }

    private static void expect(JsonToken found, JsonToken wanted, Path file) {
        if (found != wanted) {
            throw new IllegalArgumentException("not a Kairos trace: " + file + " has " + found + " where " + wanted + " belongs");
        }
    }

    public String memory() {
        return memory;
    }

    /** How many times the memory's use changed. */
    public int points() {
        return points;
    }

    /** When the {@code i}-th change happened, in microseconds since the runtime started. */
    public double time(int i) {
        return times[i];
    }

    /** The bytes in use after the {@code i}-th change. */
    public long bytes(int i) {
        return bytes[i];
    }

    /** The most bytes in use, or 0. */
    public long peak() {
        long peak = 0;
        for (int i = 0; i < points; i++) {
            peak = Math.max(peak, bytes[i]);
        }
        return peak;
    }

    /** The first change that reached {@link #peak()}, or -1 without changes. */
    public int peakIndex() {
        long peak = peak();
        for (int i = 0; i < points; i++) {
            if (bytes[i] == peak) {
                return i;
            }
        }
        return -1;
    }

    /** The first slices of each processor, by the processor's track name ({@code proc:cpu0 (CPU)}). */
    public Map<String, List<Slice>> processors() {
        return processors;
    }

    /** How many lanes the memory's instances took: the most that were alive at once. */
    public int lanes() {
        return lanes;
    }

    /** The first instances' lives, each on its lane ({@code instances #0}). */
    public List<Slice> instances() {
        return instances;
    }

    private void addPoint(double ts, long value) {
        if (points == times.length) {
            times = Arrays.copyOf(times, 2 * points);
            bytes = Arrays.copyOf(bytes, 2 * points);
        }
        times[points] = ts;
        bytes[points] = value;
        points++;
    }

    /** One pass over the events, keeping what the timeline needs. */
    private static final class Reader {
        private final RunTimeline timeline;
        private final int firstSlices;
        private final String counter;
        private final Map<Integer, String> processNames = new HashMap<>();
        private final Map<Integer, String> threadNames = new HashMap<>();
        /** Per track, the slices begun and not ended: a kept one, or null for one past the first few. */
        private final Map<Integer, Deque<Slice>> open = new HashMap<>();
        private final Map<Integer, Integer> begun = new HashMap<>();
        private int instancesBegun;

        // the event being read
        private String ph;
        private String name;
        private String argName;
        private long argBytes;
        private int pid;
        private int tid;
        private double ts;

        Reader(RunTimeline timeline, int firstSlices) {
            this.timeline = timeline;
            this.firstSlices = firstSlices;
            this.counter = timeline.memory + " in use";
        }

        void events(JsonParser p) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                ph = name = argName = null;
                argBytes = -1;
                pid = tid = 0;
                ts = 0;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    switch (key) {
                        case "ph" -> ph = p.getString();
                        case "name" -> name = p.getString();
                        case "pid" -> pid = p.getIntValue();
                        case "tid" -> tid = p.getIntValue();
                        case "ts" -> ts = p.getDoubleValue();
                        case "args" -> args(p);
                        default -> p.skipChildren();
                    }
                }
                event();
            }
        }

        private void args(JsonParser p) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("name") && value == JsonToken.VALUE_STRING) {
                    argName = p.getString();
                } else if (key.equals("bytes") && value.isNumeric()) {
                    argBytes = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        }

        private void event() {
            if (ph == null) {
                return;
            }
            switch (ph) {
                case "M" -> {
                    if ("process_name".equals(name) && argName != null) {
                        processNames.put(pid, argName);
                    } else if ("thread_name".equals(name) && argName != null) {
                        threadNames.put(tid, argName);
                        if (isMemory() && argName.startsWith("instances #")) {
                            timeline.lanes++;
                        }
                    }
                }
                case "C" -> {
                    if (counter.equals(name) && argBytes >= 0) {
                        timeline.addPoint(ts, argBytes);
                    }
                }
                case "B" -> begin();
                case "E" -> end();
                default -> { } // instants and flows are not drawn
            }
        }

        private void begin() {
            String track = threadNames.getOrDefault(tid, "thread " + tid);
            boolean keep;
            if (isProcessor()) {
                keep = begun.merge(tid, 1, Integer::sum) <= firstSlices;
            } else if (isMemory() && track.startsWith("instances")) {
                keep = ++instancesBegun <= firstSlices;
            } else {
                return;
            }
            open.computeIfAbsent(tid, t -> new ArrayDeque<>()).push(keep ? new Slice(track, name, ts, Double.NaN) : SKIPPED);
        }

        private void end() {
            Deque<Slice> stack = open.get(tid);
            if (stack == null || stack.isEmpty()) {
                return;
            }
            Slice s = stack.pop();
            if (s == SKIPPED) {
                return;
            }
            Slice done = new Slice(s.track(), s.name(), s.begin(), ts);
            if (isProcessor()) {
                timeline.processors.computeIfAbsent(s.track(), t -> new ArrayList<>()).add(done);
            } else {
                timeline.instances.add(done);
            }
        }

        private boolean isProcessor() {
            return "Kairos processors".equals(processNames.get(pid));
        }

        private boolean isMemory() {
            String process = processNames.get(pid);
            return process != null && process.startsWith(timeline.memory + " (");
        }

        private static final Slice SKIPPED = new Slice("", "", 0, 0);
    }
}
