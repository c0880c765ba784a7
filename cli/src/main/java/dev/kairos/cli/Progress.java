package dev.kairos.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
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
    private final BooleanSupplier terminal;
    private final long delayNanos;
    private final long startedAt = System.nanoTime();
    /** Whether {@link #terminal} said yes, once the delay has passed; null before. */
    private Boolean onTerminal;
    private ProgressBar bar;

    public Progress(String task, long total, String unit, PrintStream err) {
        this(task, total, unit, err, Progress::standardErrorIsATerminal, DELAY_NANOS);
    }

    Progress(String task, long total, String unit, PrintStream err, BooleanSupplier terminal, long delayNanos) {
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.err = err;
        this.terminal = terminal;
        this.delayNanos = delayNanos;
    }

    /**
     * Whether standard error, where the bar is drawn, is a terminal. {@link System#console()} answers
     * for standard input and output instead, so a run with its output redirected drew no bar on the
     * screen, and one with its errors redirected drew the bar's frames into the file. On Linux, where
     * {@code /proc/self/fd/2} names a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN},
     * {@code /dev/console}); elsewhere the C library's {@code isatty(2)} through FFM, whose linking costs
     * a few tens of milliseconds of CPU that a run on two cores would feel. Where neither answers, the
     * console's answer. Asked only once a run has lasted the delay.
     */
    static boolean standardErrorIsATerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException e) {
                return consoleIsATerminal();
            }
        }
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> isatty = linker.defaultLookup().find("isatty");
        if (isatty.isPresent()) {
            MethodHandle call = linker.downcallHandle(isatty.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            try {
                return (int) call.invokeExact(2) == 1;
            } catch (Throwable e) {
                return consoleIsATerminal();
            }
        }
        return consoleIsATerminal();
    }

    private static boolean consoleIsATerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    @Override
    public void accept(long done) {
        if (bar == null) {
            if (System.nanoTime() - startedAt < delayNanos || done >= total) {
                return;
            }
            if (onTerminal == null) {
                onTerminal = terminal.getAsBoolean();
            }
            if (!onTerminal) {
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
