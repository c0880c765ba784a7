package dev.kairos;

/** The code of one task variant. A body that throws poisons the task's event with the exception. */
@FunctionalInterface
public interface TaskBody<A> {
    void run(TaskContext ctx, A args) throws Exception;
}
