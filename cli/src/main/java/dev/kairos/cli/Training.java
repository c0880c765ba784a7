package dev.kairos.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * The training run of the kairos command's ahead-of-time cache (JDK 25's AOT cache, JEPs 483, 514
 * and 515), run at build time as
 * {@code java -XX:AOTCacheOutput=kairos.aot -cp kairos.jar dev.kairos.cli.Training}: what it loads,
 * links and profiles is what a later {@code java -XX:AOTCache=kairos.aot -jar kairos.jar ...} finds
 * ready, so that command starts without loading and linking those classes again and compiles the
 * tutorial's loops with the profiles gathered here.
 *
 * <p>It runs the commands people run first and most, in one JVM, their output thrown away: the
 * usage help, the version, and the deferred-allocation tutorial long enough for the JIT to see its
 * loops in both layouts. The CUDA backend is probed as a plain run would ({@code --cuda auto}); on
 * a machine without a GPU that trains the path that finds none.
 */
final class Training {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"),
            List.of("--version"),
            List.of("run", "--help"),
            List.of("run", "deferred-allocation", "--help"),
            List.of("run", "deferred-allocation", "--cpus", "1", "--batches", "200"),
            List.of("run", "deferred-allocation", "--cpus", "1", "--batches", "50", "--layout", "soa"),
            List.of("run", "deferred-allocation", "--cpus", "1", "--batches", "50", "--eager"));

    private Training() {}

    public static void main(String[] args) {
        Main.bindLogging(); // as the command's main does, so the cache holds what a run loads
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream())); // the progress bar of a slow build machine
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream(), true);
        for (List<String> command : COMMANDS) {
            int code = Main.execute(discard, discard, command.toArray(String[]::new));
            if (code != 0) {
                err.println("kairos AOT training: `kairos " + String.join(" ", command) + "` exited with " + code);
                System.exit(code);
            }
        }
    }
}
