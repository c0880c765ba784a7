package dev.kairos.internal.event;

/**
 * A thread owned by the runtime (a processor worker). It carries its event dispatcher in a field
 * rather than a thread-local, and decides how {@code Event.await()} blocks on it: a worker frees
 * its processor for other ready tasks while it waits.
 */
public abstract class KairosThread extends Thread {
    final Dispatcher dispatcher = new Dispatcher();

    protected KairosThread(String name) {
        super(name);
        setDaemon(true);
    }

    /**
     * Blocks this thread until {@code event} has left the pending state or the timeout has passed.
     *
     * @param timeoutNanos the longest wait, or a negative number to wait without limit
     */
    protected abstract void awaitEvent(EventImpl event, long timeoutNanos);
}
