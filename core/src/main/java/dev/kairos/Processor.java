package dev.kairos;

import dev.kairos.internal.proc.ProcessorImpl;

/**
 * A processor handle ({@code proc:cpu0}): somewhere tasks run. Tasks spawned on one processor run
 * one at a time, highest priority first, in the order they became ready among equals.
 */
public sealed interface Processor extends Comparable<Processor> permits ProcessorImpl {

    ProcessorKind kind();

    /** Short name, unique in its runtime: {@code cpu0}, {@code gpu1}, {@code util0}. */
    String name();

    /** A stable id, unique in its runtime. */
    long id();

    /**
     * Runs {@code task} with {@code args} on this processor once {@code waitOn} has triggered.
     *
     * @return an event that triggers when the task has finished (for a GPU task: when the device work
     *     it enqueued has completed); poisoned if the body throws or {@code waitOn} is poisoned
     * @throws IllegalArgumentException if the task has no variant for this processor's kind
     */
    default <A> Event spawn(TaskId<A> task, A args, Event waitOn) {
        return spawn(task, args, waitOn, 0, ProfilingRequestSet.NONE);
    }

    /** As {@link #spawn(TaskId, Object, Event)}, without a precondition. */
    default <A> Event spawn(TaskId<A> task, A args) {
        return spawn(task, args, Event.NO_EVENT, 0, ProfilingRequestSet.NONE);
    }

    /**
     * As {@link #spawn(TaskId, Object, Event)}, with a priority (higher runs first among tasks that
     * are ready at the same time; default 0) and profiling requests.
     */
    <A> Event spawn(TaskId<A> task, A args, Event waitOn, int priority, ProfilingRequestSet profiling);

    @Override
    default int compareTo(Processor other) {
        return Long.compare(id(), other.id());
    }
}
