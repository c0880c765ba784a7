package dev.kairos.internal.trace;

import dev.kairos.KairosException;
import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.RegionInstance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime tells a trace, one call per thing that happens. The runtime calls these from
 * single lines at the places where a task starts and ends, an instance is allocated, decided or
 * released, and a copy or fill starts and ends; every method does nothing unless a trace was asked
 * for. With none, {@link #OFF} is the only implementation a call site ever sees, so the JIT inlines
 * the empty bodies and recording costs nothing.
 *
 * <p>The memory calls come under the memory's lock, in the order its planner decided; the task
 * calls on the worker running the task; any call may come from any thread.
 */
public interface Tracer {
    /** Records nothing. */
    Tracer OFF = new Tracer() {};

    /**
     * A tracer writing to {@code file}, or {@link #OFF} for null.
     *
     * @param description what runs, for the trace's header
     * @throws KairosException naming the file if it cannot be created
     */
    static Tracer open(Path file, String description) {
        if (file == null) {
            return OFF;
        }
        try {
            return TraceFile.create(file, description);
        } catch (IOException | RuntimeException e) {
            throw new KairosException("cannot write the trace: trace=" + file + " (" + e + ")", e);
        }
    }

    /** The machine has started: names the tracks of its processors and memories. */
    default void machine(List<? extends Processor> processors, List<? extends Memory> memories) {}

    /** A task's precondition triggered: it is queued on its processor. */
    default void taskReady(Object task) {}

    /** A task starts on {@code processor}; {@code args} labels its slice. */
    default void taskStarted(Processor processor, Object task, String name, Object args) {}

    /** The task that {@link #taskStarted} named has left its processor. */
    default void taskEnded(Processor processor, Object task) {}

    /**
     * An instance holds its bytes now.
     *
     * @param how the decision that gave them ({@code SUCCESS_NOW}, {@code EVENTUAL_SUCCESS})
     * @param used the memory's bytes in use, this instance included
     */
    default void instanceAllocated(Memory memory, RegionInstance instance, String how, long offset, long bytes, long used) {}

    /** An instance does not fit now but was given a place that earlier releases will free. */
    default void allocationAccepted(Memory memory, RegionInstance instance, long bytes, long plannedOffset) {}

    /** An instance will never get bytes; {@code reason} names the rule, {@code message} the numbers. */
    default void allocationFailed(Memory memory, RegionInstance instance, long bytes, String reason, String message) {}

    /** An instance's destroy took effect; {@code used} is the memory's bytes in use after it. */
    default void instanceReleased(Memory memory, RegionInstance instance, long used) {}

    /** A copy (source non-null) or fill (source null) starts moving bytes. */
    default void copyStarted(Object copy, RegionInstance source, RegionInstance destination, int fields, long points) {}

    /** The copy or fill that {@link #copyStarted} named has ended, or one that never started was cancelled. */
    default void copyEnded(Object copy) {}

    /** Completes the trace; later calls record nothing. */
    default void close() {}

    /** The first write to the trace's file that failed (the trace then stops, the run goes on), if any. */
    default Optional<IOException> failure() {
        return Optional.empty();
    }
}
