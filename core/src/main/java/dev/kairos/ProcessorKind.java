package dev.kairos;

/** The kinds of processor a task can have a variant for. */
public enum ProcessorKind {
    /** A CPU core running task bodies on a worker thread. */
    CPU,
    /** A GPU: task bodies run on a host thread with the device current and enqueue device work. */
    GPU,
    /** A runtime-internal helper thread (host copies; profiling responses have a thread of their own); tasks may target it too. */
    UTILITY
}
