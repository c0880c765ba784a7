package dev.kairos.cli;

import java.io.PrintStream;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for runs that take more than a moment: it appears only once the
 * work has gone on for {@link #DELAY_NANOS}, so short runs print nothing extra, and only where a
 * person watches a terminal. Redirected, a bar is carriage-return noise in a log, and setting one up
 * (JLine's terminal, native code included) cost a loaded machine a second of CPU inside the timed
 * part of a run.
 */
public final class Progress implements LongConsumer, AutoCloseable {
    private static final long DELAY_NANOS = 500_000_000L;

    private final String task;
    private final long total;
    private final String unit;
    private final PrintStream err;
    private final boolean terminal;
    private final long delayNanos;
    private final long startedAt = System.nanoTime();
    private ProgressBar bar;

    public Progress(String task, long total, String unit, PrintStream err) {
        this(task, total, unit, err, System.console() != null && System.console().isTerminal(), DELAY_NANOS);
    }

    Progress(String task, long total, String unit, PrintStream err, boolean terminal, long delayNanos) {
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.err = err;
        this.terminal = terminal;
        this.delayNanos = delayNanos;
    }

    @Override
    public void accept(long done) {
        if (bar == null) {
            if (!terminal || System.nanoTime() - startedAt < delayNanos || done >= total) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setUnit(" " + unit, 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(err))
                    .showSpeed()
                    .build();
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
