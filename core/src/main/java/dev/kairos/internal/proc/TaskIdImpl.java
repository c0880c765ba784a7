package dev.kairos.internal.proc;

import dev.kairos.ProcessorKind;
import dev.kairos.TaskBody;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.internal.KairosRuntime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A registered task: one body per processor kind, found by the kind's ordinal. */
public final class TaskIdImpl<A> implements TaskId<A> {
    private final KairosRuntime runtime;
    private final String name;
    private final long id;
    private final Class<A> argsType;
    private final TaskBody<A>[] bodies;

    @SuppressWarnings("unchecked")
    public TaskIdImpl(KairosRuntime runtime, String name, long id, Class<A> argsType, List<TaskVariant<A>> variants) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a task needs a name: name=" + name);
        }
        if (argsType == null) {
            throw new IllegalArgumentException("task " + name + ": argsType is null");
        }
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " needs at least one TaskVariant");
        }
        this.runtime = runtime;
        this.name = name;
        this.id = id;
        this.argsType = argsType;
        this.bodies = new TaskBody[ProcessorKind.values().length];
        for (TaskVariant<A> v : variants) {
            if (bodies[v.kind().ordinal()] != null) {
                throw new IllegalArgumentException("task " + name + " has two variants for " + v.kind());
            }
            bodies[v.kind().ordinal()] = v.body();
        }
    }

    /** Views an API task id as this runtime's implementation. */
    @SuppressWarnings("unchecked")
    static <A> TaskIdImpl<A> of(TaskId<A> task, KairosRuntime runtime) {
        if (!(task instanceof TaskIdImpl<?> impl) || impl.runtime != runtime) {
            throw new IllegalArgumentException(task + " was not registered with " + runtime);
        }
        return (TaskIdImpl<A>) impl;
    }

    /** The body for {@code kind}, or null. */
    TaskBody<A> body(ProcessorKind kind) {
        return bodies[kind.ordinal()];
    }

    Set<ProcessorKind> kinds() {
        Set<ProcessorKind> kinds = EnumSet.noneOf(ProcessorKind.class);
        for (ProcessorKind k : ProcessorKind.values()) {
            if (bodies[k.ordinal()] != null) {
                kinds.add(k);
            }
        }
        return kinds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Class<A> argsType() {
        return argsType;
    }

    @Override
    public boolean hasVariant(ProcessorKind kind) {
        return bodies[kind.ordinal()] != null;
    }

    @Override
    public String toString() {
        return "task:" + name;
    }
}
