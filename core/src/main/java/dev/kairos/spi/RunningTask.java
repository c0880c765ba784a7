package dev.kairos.spi;

import dev.kairos.TaskContext;

/** A task handed to a {@link ProcessorDriver}: run its body once, then complete or fail it once. */
public interface RunningTask {

    /** The context the body sees. */
    TaskContext context();

    /** The task's registered name, for messages. */
    String taskName();

    /** Runs the body of the variant for this processor's kind, on the calling thread. */
    void runBody() throws Exception;

    /** The task has finished: its event triggers. Any thread. */
    void complete();

    /** The task has failed: its event is poisoned with {@code error}, which is logged once. Any thread. */
    void fail(Throwable error);
}
