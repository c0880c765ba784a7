package dev.kairos.internal.proc;

/** Something a processor's worker runs: a task, or a blocked task asking for its processor back. */
interface Work {

    /** Higher runs first among work ready at the same time; 0 is the default. */
    int priority();

    /** Runs on the worker that holds the processor. Must not throw. */
    void execute(Worker worker);
}
