package dev.kairos.cli;

import dev.kairos.tutorials.Stop;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What SIGINT (Ctrl-C) and SIGTERM do while a command runs: the JVM runs its shutdown hooks, then
 * exits with the shell's code for the signal (130, 143) whatever its threads are doing. The hook
 * installed here requests {@link #stop()}, which the command's run heeds, and waits for the command
 * to have finished its files (it {@link #close}s this once done), at most {@code bound}: past that
 * the JVM exits without it, after {@code late} has done what can be done from the hook alone. The
 * hook runs on a thread of its own, beside the command's; a signal after the command has closed
 * this finds no hook and ends the JVM at once.
 */
final class Interruption implements AutoCloseable {
    private final Stop stop = new Stop();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration bound;
    private final Runnable late;
    private final Thread hook;

    private Interruption(Duration bound, Runnable late) {
        this.bound = bound;
        this.late = late;
        this.hook = new Thread(this::interrupted, "kairos-interrupt");
    }

    /** Installs the hook until {@link #close}; if the JVM is exiting already, {@link #stop()} is requested now instead. */
    static Interruption install(Duration bound, Runnable late) {
        Interruption interruption = new Interruption(bound, late);
        try {
            Runtime.getRuntime().addShutdownHook(interruption.hook);
        } catch (IllegalStateException shuttingDown) {
            interruption.stop.request();
        }
        return interruption;
    }

    /** Requested once the JVM has been asked to exit by a signal (or by another thread's {@code System.exit}). */
    Stop stop() {
        return stop;
    }

    private void interrupted() {
        stop.request();
        boolean done;
        try {
            done = finished.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            late.run();
        }
    }

    /** The command is done with its files: a hook running now returns, and none runs later. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs, or has run: the count-down above lets it return.
        }
    }
}
