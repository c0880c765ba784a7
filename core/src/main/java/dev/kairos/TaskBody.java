package dev.kairos;

/**
 * The code of one task variant. A body that throws poisons the task's event with the exception,
 * which is logged as a failure; one that throws {@link java.util.concurrent.CancellationException}
 * has cancelled its task, which poisons its event the same way but logs nothing.
 */
@FunctionalInterface
public interface TaskBody<A> {
    void run(TaskContext ctx, A args) throws Exception;
}
