package dev.kairos.internal.proc;

/**
 * How a worker waits when its processor has nothing ready: Agrona's {@code IdleStrategy} shape,
 * told after every duty cycle whether it did work. Work often arrives within microseconds (a task
 * chained behind the one that just ended elsewhere), so the worker first spins for
 * {@code spinNanos}, then parks through {@link ProcessorImpl#parkIdle()}, which publishes that the
 * processor is idle so the next producer unparks it. One instance per worker; not thread-safe.
 */
final class SpinThenPark {
    private final long spinNanos;
    /** When the current idle stretch began, or 0 while working. */
    private long idleSince;

    SpinThenPark(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    /** A duty cycle found nothing to run. */
    void idle(ProcessorImpl processor) {
        long now = System.nanoTime();
        if (idleSince == 0) {
            idleSince = now;
        }
        if (now - idleSince < spinNanos) {
            Thread.onSpinWait();
            return;
        }
        processor.parkIdle();
        idleSince = 0;
    }

    /** A duty cycle ran something. */
    void reset() {
        idleSince = 0;
    }
}
