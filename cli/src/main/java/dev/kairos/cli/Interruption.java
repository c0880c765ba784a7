package dev.kairos.cli;

import dev.kairos.KairosConfig;
import dev.kairos.tutorials.Stop;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What SIGINT (Ctrl-C) and SIGTERM do while a command runs: the JVM runs its shutdown hooks, then
 * exits with the shell's code for the signal (130, 143) whatever its threads are doing. The hook
 * installed here requests {@link #stop()}, which the command's run heeds, and waits for the command
 * to have finished its files (it {@link #close}s this once done), at most {@code bound}, asked when
 * the signal comes: past that the JVM exits without it, after {@code late} (given the time waited)
 * has done what can be done from the hook alone. The hook runs on a thread of its own, beside the
 * command's; a signal after the command has closed this finds no hook and ends the JVM at once.
 */
public final class Interruption implements AutoCloseable {
    private final Stop stop = new Stop();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Supplier<Duration> bound;
    private final Consumer<Duration> late;
    private final Thread hook;

    private Interruption(Supplier<Duration> bound, Consumer<Duration> late) {
        this.bound = bound;
        this.late = late;
        this.hook = new Thread(this::interrupted, "kairos-interrupt");
    }

    /** Installs the hook until {@link #close}; if the JVM is exiting already, {@link #stop()} is requested now instead. */
    public static Interruption install(Supplier<Duration> bound, Consumer<Duration> late) {
        Interruption interruption = new Interruption(bound, late);
        try {
            Runtime.getRuntime().addShutdownHook(interruption.hook);
        } catch (IllegalStateException shuttingDown) {
            interruption.stop.request();
        }
        return interruption;
    }

    /**
     * How long an interrupt waits for a command's runtime to close once its work in progress has
     * ended: close() waits at most closeGracePeriod for user events nobody triggered, then as long
     * again before giving up on a body that never returns. A second more, to print and delete.
     */
    public static Duration bound(KairosConfig config) {
        // In milliseconds, not Duration.multipliedBy: that goes through BigDecimal, whose classes and
        // compiles cost every run about 30 ms of its main thread and more of the compilers' (profiled).
        long grace = config.closeGracePeriod().toMillis();
        return Duration.ofMillis(grace > (Long.MAX_VALUE - 1_000) / 2 ? Long.MAX_VALUE : 2 * grace + 1_000);
    }

    /** The thread the JVM starts on a signal: a test starts it itself, as the JVM would. */
    Thread hook() {
        return hook;
    }

    /** Requested once the JVM has been asked to exit by a signal (or by another thread's {@code System.exit}). */
    public Stop stop() {
        return stop;
    }

    private void interrupted() {
        stop.request();
        Duration wait = bound.get();
        boolean done;
        try {
            done = finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            late.accept(wait);
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
