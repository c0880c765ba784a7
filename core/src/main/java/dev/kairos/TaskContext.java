package dev.kairos;

import dev.kairos.internal.proc.TaskOp;

/** What a running task body can see of the runtime. Valid only while the body runs. */
public sealed interface TaskContext permits TaskOp {

    /** The processor running this task. */
    Processor processor();

    /**
     * The runtime, e.g. to spawn more work or create instances from inside a task, or to close it
     * once some event has triggered ({@link Kairos#shutdown(Event)}; {@link Kairos#close()} would
     * wait for this very task).
     */
    Kairos kairos();

    /** The event that triggers when this task finishes. */
    Event finishEvent();

    /**
     * The backend's own context for this task, e.g. the CUDA backend's stream and kernel launcher.
     *
     * @throws IllegalArgumentException if this task's processor offers no context of that type; the
     *     message names the processor and the type
     */
    <T> T backend(Class<T> type);
}
