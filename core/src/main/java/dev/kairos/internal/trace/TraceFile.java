package dev.kairos.internal.trace;

import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.RegionInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trace written to a file as the run goes, in the JSON object form of the Trace Event Format
 * that Perfetto and {@code chrome://tracing} open. Timestamps are microseconds since the runtime
 * started, with nanosecond decimals.
 *
 * <p><b>Tracks.</b> Viewers draw a track per thread of a process, so the runtime's parts are laid
 * out as processes and threads, named by metadata events:
 * <ul>
 *   <li>process {@value #PROCESSORS} "Kairos processors": a thread per processor ({@code proc:cpu0
 *       (CPU)}), a slice per task from its start to its leaving the processor, named by the task
 *       and the label of its argument ({@code writer batch 17}). A task that blocks inside its body
 *       stays open while the tasks that run meanwhile nest inside it.</li>
 *   <li>a process per memory ({@code mem:sys (SYSTEM)}): a thread "allocation decisions" with an
 *       instant per decision (success now, accepted, eventual success, failed with the rule and
 *       the numbers); threads "instances #k", where each instance is a slice from its allocation
 *       to its release with its bytes and offset (instances alive at once take different lanes,
 *       the lowest free one, so eager creation draws a staircase); and the counter
 *       "&lt;memory&gt; in use" of bytes held.</li>
 *   <li>process {@value #COPIES} "Kairos copies": a thread per copy path (and lane), a slice per
 *       copy or fill.</li>
 *   <li>flows "made ready": an arrow from the task slice during which a task became ready (its
 *       precondition triggered there, through any chain of events, allocations included) to that
 *       task's slice. Tasks made ready outside any task (by the program's thread) have none.</li>
 * </ul>
 * Thread ids are unique across processes, as viewers take them for system threads.
 *
 * <p><b>Order and memory.</b> Every event is written under one lock, which reads the clock, so the
 * file is in time order and the slices of a track nest. It goes into {@link JsonOut}'s one buffer,
 * written out whenever full; besides it the tracer holds only what is alive in the runtime (the
 * lanes in use, the open copies, the tasks made ready and not started), never anything that grows
 * with the length of the run. {@link #close} writes the end of the JSON; a run that never closes
 * its runtime leaves a trace without it, which Perfetto still opens.
 */
final class TraceFile implements Tracer {
    private static final Logger log = LoggerFactory.getLogger(TraceFile.class);
    static final int PROCESSORS = 1;
    static final int COPIES = 2;
    static final int FIRST_MEMORY = 10;
    private static final String FLOW = "made ready";

    private final Path file;
    private final long origin = System.nanoTime();
    /** The task slice open on this thread, if any: a thread runs one task at a time. */
    private final ThreadLocal<OpenTask> openTask = ThreadLocal.withInitial(OpenTask::new);

    private final ReentrantLock lock = new ReentrantLock();
    private final JsonOut out; // guarded by lock
    private boolean firstEvent = true; // guarded by lock
    private boolean closed; // guarded by lock
    private int nextTid = 1; // guarded by lock
    private int nextMemoryPid = FIRST_MEMORY; // guarded by lock
    private long nextFlow = 1; // guarded by lock
    private final Map<Processor, Integer> processors = new HashMap<>(); // guarded by lock
    private final Map<Memory, MemoryTracks> memories = new HashMap<>(); // guarded by lock
    private final Map<String, Lanes> copyPaths = new HashMap<>(); // guarded by lock
    private final Map<Object, Span> openCopies = new IdentityHashMap<>(); // guarded by lock
    private final Map<Object, Long> flows = new IdentityHashMap<>(); // guarded by lock

    private TraceFile(Path file, JsonOut out) {
        this.file = file;
        this.out = out;
    }

    static TraceFile create(Path file, String description) throws IOException {
        TraceFile trace = new TraceFile(file, new JsonOut(Files.newOutputStream(file)));
        trace.out.raw("{\"otherData\":{\"producer\":\"Kairos\",\"run\":").string(description)
                .raw(",\"timestamps\":\"microseconds since the runtime started\"},\"traceEvents\":[");
        trace.metadata("process_name", PROCESSORS, 0, "name", "Kairos processors");
        trace.metadata("process_sort_index", PROCESSORS, 0, "sort_index", 0);
        trace.metadata("process_name", COPIES, 0, "name", "Kairos copies");
        trace.metadata("process_sort_index", COPIES, 0, "sort_index", 1);
        return trace;
    }

    // ---------------------------------------------------------------- machine

    @Override
    public void machine(List<? extends Processor> processorList, List<? extends Memory> memoryList) {
        lock.lock();
        try {
            processorList.forEach(this::processorTid);
            memoryList.forEach(this::memoryTracks);
            out.flush(); // the tracks are there for anyone looking at the file while it runs
        } finally {
            lock.unlock();
        }
    }

    private int processorTid(Processor p) {
        Integer tid = processors.get(p);
        if (tid == null) {
            tid = nextTid++;
            processors.put(p, tid);
            metadata("thread_name", PROCESSORS, tid, "name", p + " (" + p.kind() + ")");
            metadata("thread_sort_index", PROCESSORS, tid, "sort_index", tid);
        }
        return tid;
    }

    private MemoryTracks memoryTracks(Memory m) {
        MemoryTracks tracks = memories.get(m);
        if (tracks == null) {
            int pid = nextMemoryPid++;
            tracks = new MemoryTracks(pid, nextTid++, new Lanes(pid, "instances"), m + " in use");
            memories.put(m, tracks);
            metadata("process_name", pid, 0, "name", m + " (" + m.kind() + ")");
            metadata("process_sort_index", pid, 0, "sort_index", pid);
            metadata("thread_name", pid, tracks.decisions, "name", "allocation decisions");
            metadata("thread_sort_index", pid, tracks.decisions, "sort_index", 0);
        }
        return tracks;
    }

    // ---------------------------------------------------------------- tasks

    @Override
    public void taskReady(Object task) {
        int source = openTask.get().tid;
        if (source == 0) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long flow = nextFlow++;
            flows.put(task, flow);
            begin('s', PROCESSORS, source, now()).raw(",\"cat\":\"kairos\",\"name\":").string(FLOW)
                    .raw(",\"id\":").number(flow).raw('}');
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void taskStarted(Processor processor, Object task, String name, Object args) {
        String label = Labels.of(args);
        String event = task.toString();
        String slice = label.isEmpty() ? name : name + " " + label;
        int tid;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            tid = processorTid(processor);
            long ts = now();
            begin('B', PROCESSORS, tid, ts).raw(",\"name\":").string(slice)
                    .raw(",\"args\":{\"event\":").string(event).raw("}}");
            Long flow = flows.remove(task);
            if (flow != null) {
                begin('f', PROCESSORS, tid, ts).raw(",\"bp\":\"e\",\"cat\":\"kairos\",\"name\":").string(FLOW)
                        .raw(",\"id\":").number(flow).raw('}');
            }
        } finally {
            lock.unlock();
        }
        OpenTask open = openTask.get();
        open.tid = tid;
        open.name = slice;
    }

    @Override
    public void taskEnded(Processor processor, Object task) {
        OpenTask open = openTask.get();
        String slice = open.name;
        open.tid = 0;
        open.name = null;
        lock.lock();
        try {
            if (!closed && slice != null) {
                end(PROCESSORS, processorTid(processor), now(), slice);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- instances

    @Override
    public void instanceAllocated(Memory memory, RegionInstance instance, String how, long offset, long bytes, long used) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            MemoryTracks m = memoryTracks(memory);
            long ts = now();
            begin('i', m.pid, m.decisions, ts).raw(",\"s\":\"t\",\"name\":").string(instance + " " + words(how))
                    .raw(",\"args\":{\"bytes\":").number(bytes).raw(",\"offset\":").number(offset).raw("}}");
            int lane = m.instances.take();
            String span = instance + " (" + bytes + " B @ " + offset + ")";
            m.open.put(instance, new Span(m.instances, lane, span));
            begin('B', m.pid, m.instances.tid(lane), ts).raw(",\"name\":").string(span)
                    .raw(",\"args\":{\"instance\":").string(instance.toString()).raw(",\"bytes\":").number(bytes)
                    .raw(",\"offset\":").number(offset).raw("}}");
            counter(m, ts, used);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void allocationAccepted(Memory memory, RegionInstance instance, long bytes, long plannedOffset) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            MemoryTracks m = memoryTracks(memory);
            begin('i', m.pid, m.decisions, now()).raw(",\"s\":\"t\",\"name\":").string(instance + " accepted")
                    .raw(",\"args\":{\"bytes\":").number(bytes).raw(",\"plannedOffset\":").number(plannedOffset)
                    .raw("}}");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void allocationFailed(Memory memory, RegionInstance instance, long bytes, String reason, String message) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            MemoryTracks m = memoryTracks(memory);
            begin('i', m.pid, m.decisions, now()).raw(",\"s\":\"t\",\"name\":").string(instance + " failed " + reason)
                    .raw(",\"args\":{\"bytes\":").number(bytes).raw(",\"reason\":").string(message).raw("}}");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void instanceReleased(Memory memory, RegionInstance instance, long used) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            MemoryTracks m = memoryTracks(memory);
            Span span = m.open.remove(instance);
            if (span == null) {
                return; // it never held bytes: nothing changed
            }
            long ts = now();
            end(m.pid, span.tid(), ts, span.name());
            m.instances.release(span.lane());
            counter(m, ts, used);
        } finally {
            lock.unlock();
        }
    }

    private void counter(MemoryTracks m, long ts, long used) {
        begin('C', m.pid, m.decisions, ts).raw(",\"name\":").string(m.counter).raw(",\"args\":{\"bytes\":").number(used)
                .raw("}}");
    }

    // ---------------------------------------------------------------- copies

    @Override
    public void copyStarted(Object copy, RegionInstance source, RegionInstance destination, int fields, long points) {
        String path = source == null ? "fill " + destination.memory() : "copy " + source.memory() + " → " + destination.memory();
        String name = source == null ? "fill " + destination : "copy " + source + " → " + destination;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Lanes lanes = copyPaths.computeIfAbsent(path, p -> new Lanes(COPIES, p));
            int lane = lanes.take();
            openCopies.put(copy, new Span(lanes, lane, name));
            begin('B', COPIES, lanes.tid(lane), now()).raw(",\"name\":").string(name)
                    .raw(",\"args\":{\"fields\":").number(fields).raw(",\"points\":").number(points).raw("}}");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void copyEnded(Object copy) {
        lock.lock();
        try {
            Span span = openCopies.remove(copy);
            if (span == null || closed) {
                return; // cancelled before it started
            }
            end(COPIES, span.tid(), now(), span.name());
            span.lanes().release(span.lane());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long ts = now();
            // Instances never destroyed end with the runtime, which frees them now.
            for (MemoryTracks m : memories.values()) {
                for (Span span : m.open.values()) {
                    end(m.pid, span.tid(), ts, span.name());
                }
                m.open.clear();
            }
            closed = true;
            out.raw("\n]}\n");
            out.close();
            if (out.failure() != null) {
                log.warn("the trace {} is incomplete: writing it failed: {}", file, out.failure().toString());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<IOException> failure() {
        lock.lock();
        try {
            return Optional.ofNullable(out.failure());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- writing

    private long now() {
        return System.nanoTime() - origin;
    }

    /** Opens an event with its phase, track and time; the caller adds its fields and the closing brace. */
    private JsonOut begin(char phase, int pid, int tid, long ts) {
        out.raw(firstEvent ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
        firstEvent = false;
        return out.raw(phase).raw("\",\"pid\":").number(pid).raw(",\"tid\":").number(tid).raw(",\"ts\":").micros(ts);
    }

    /**
     * Closes the track's innermost slice. The name repeats the begin's: the format does not need it,
     * but some viewers (speedscope) match ends to begins by name.
     */
    private void end(int pid, int tid, long ts, String name) {
        begin('E', pid, tid, ts).raw(",\"name\":").string(name).raw('}');
    }

    private void metadata(String name, int pid, int tid, String key, Object value) {
        out.raw(firstEvent ? "\n{\"ph\":\"M\",\"pid\":" : ",\n{\"ph\":\"M\",\"pid\":");
        firstEvent = false;
        out.number(pid).raw(",\"tid\":").number(tid).raw(",\"name\":").string(name).raw(",\"args\":{").string(key).raw(':');
        if (value instanceof Integer n) {
            out.number(n);
        } else {
            out.string(value.toString());
        }
        out.raw("}}");
    }

    /** {@code EVENTUAL_SUCCESS} as people write it: {@code eventual success}. */
    private static String words(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Tracks for spans that may overlap: each span takes the lowest free lane, a thread of its own. */
    private final class Lanes {
        private final int pid;
        private final String name;
        private final List<Integer> tids = new ArrayList<>(); // guarded by lock
        private final BitSet busy = new BitSet(); // guarded by lock

        Lanes(int pid, String name) {
            this.pid = pid;
            this.name = name;
        }

        int take() {
            int lane = busy.nextClearBit(0);
            busy.set(lane);
            if (lane == tids.size()) {
                int tid = nextTid++;
                tids.add(tid);
                metadata("thread_name", pid, tid, "name", name + " #" + lane);
                metadata("thread_sort_index", pid, tid, "sort_index", tid);
            }
            return lane;
        }

        int tid(int lane) {
            return tids.get(lane);
        }

        void release(int lane) {
            busy.clear(lane);
        }
    }

    /** A memory's tracks: decisions and the counter on one thread, the instances alive on their lanes. */
    private record MemoryTracks(int pid, int decisions, Lanes instances, String counter, Map<RegionInstance, Span> open) {
        MemoryTracks(int pid, int decisions, Lanes instances, String counter) {
            this(pid, decisions, instances, counter, new IdentityHashMap<>());
        }
    }

    /** An instance's life or a copy in progress: where its slice is open, and its name. */
    private record Span(Lanes lanes, int lane, String name) {
        int tid() {
            return lanes.tid(lane);
        }
    }

    /** The task slice a thread has open: its track's tid (0 for none) and name. Touched by that thread only. */
    private static final class OpenTask {
        int tid;
        String name;
    }
}
