package dev.kairos.internal.proc;

/** Something a processor's worker runs: a task, a blocked task asking for its processor back, or runtime work. */
interface Work {

    /** Higher runs first among work ready at the same time; 0 is the default. */
    int priority();

    /**
     * Runs on the worker that holds the processor. A task body's failure is the task's own
     * business; anything thrown from here is a failure of the runtime itself, which the worker
     * catches, logs and (for an operation) turns into poison before it goes on.
     */
    void execute(Worker worker);
}
