package dev.kairos.internal;

import org.slf4j.Logger;

/**
 * Formatting and logging a failure without failing again. A task may throw anything, including an
 * exception whose {@code getMessage()} or {@code toString()} throws; the runtime formats and logs
 * such failures on its workers, and a second exception there must never end a worker or leave an
 * operation unfinished.
 */
public final class Failures {
    private Failures() {}

    /** {@code String.valueOf(failure)}, or its class name and what went wrong if that throws. Never throws. */
    public static String describe(Throwable failure) {
        try {
            return String.valueOf(failure);
        } catch (Throwable broken) {
            return failure.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
        }
    }

    /** The failure's message, or {@link #describe} of it if it has none or getting it throws. Never throws. */
    public static String message(Throwable failure) {
        try {
            String message = failure.getMessage();
            return message != null ? message : describe(failure);
        } catch (Throwable broken) {
            return describe(failure);
        }
    }

    /** Logs at WARN with the stack trace; if printing the failure throws, logs {@link #describe} of it instead. Never throws. */
    public static void warn(Logger log, String message, Throwable failure) {
        try {
            log.warn(message, failure);
        } catch (Throwable broken) {
            fallback(log, message, failure, broken, false);
        }
    }

    /**
     * Logs {@code line} at WARN as one line, and the failure's stack trace under it at DEBUG: for a
     * failure whose exception also reaches whoever waits on it (a task's, as the cause of its poisoned
     * event's {@link dev.kairos.PoisonedEventException}), where a trace at WARN would print what they
     * get anyway, a dozen lines per failure. Never throws.
     */
    public static void warnOneLine(Logger log, String line, Throwable failure) {
        try {
            log.warn(line);
            if (log.isDebugEnabled()) {
                log.debug(line, failure);
            }
        } catch (Throwable broken) {
            fallback(log, line, failure, broken, false);
        }
    }

    /** Logs at ERROR with the stack trace; if printing the failure throws, logs {@link #describe} of it instead. Never throws. */
    public static void error(Logger log, String message, Throwable failure) {
        try {
            log.error(message, failure);
        } catch (Throwable broken) {
            fallback(log, message, failure, broken, true);
        }
    }

    private static void fallback(Logger log, String message, Throwable failure, Throwable broken, boolean error) {
        String line = message + ": " + describe(failure) + " (its stack trace could not be printed: " + describe(broken) + ")";
        try {
            if (error) {
                log.error(line);
            } else {
                log.warn(line);
            }
        } catch (Throwable ignored) {
            // The logging backend itself fails on a plain line: there is nowhere left to report to.
        }
    }
}
