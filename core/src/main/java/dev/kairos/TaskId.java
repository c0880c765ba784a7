package dev.kairos;

import dev.kairos.internal.proc.TaskIdImpl;

/**
 * A registered task ({@code task:writer}): a name and one body per processor kind, taking arguments
 * of type {@code A}. Returned by {@link Kairos#registerTask}.
 */
public sealed interface TaskId<A> permits TaskIdImpl {

    String name();

    /** A stable id, unique in its runtime. */
    long id();

    Class<A> argsType();

    /** Whether the task can run on processors of {@code kind}. */
    boolean hasVariant(ProcessorKind kind);
}
