package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged command line ({@code target/kairos.jar}, after {@code package}) run in a JVM of its
 * own, to be signalled as a terminal's Ctrl-C or a service manager would: its standard output line
 * by line as it comes, its standard error in a file. Every wait is bounded and waits for something
 * the run does, never for time.
 */
final class SignalledRun {
    /** Far longer than any of these runs needs, so that only a run that hangs reaches it. */
    static final long BOUND_SECONDS = 120;

    /** What the standard output's reader adds once it has read the last line; compared by identity, so no line read is taken for it. */
    private static final String END = new String("(end of standard output)");

    private final Process process;
    private final BlockingQueue<String> out;
    private final Path err;
    /** The lines taken from {@link #out} so far, in order. */
    private final List<String> seen = new ArrayList<>();

    private SignalledRun(Process process, BlockingQueue<String> out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts the command line with {@code args}, its temporary files in {@code tmp} and its standard error in {@code dir}. */
    static SignalledRun start(Path dir, Path tmp, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(sigintDefault());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target", "kairos.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        Path err = dir.resolve("stderr.txt");
        Process process = builder.redirectError(err.toFile()).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException e) {
                out.add("(standard output unreadable: " + e + ")");
            }
            out.add(END);
        });
        return new SignalledRun(process, out, err);
    }

    /**
     * What puts SIGINT back to its default before the command starts: coreutils' {@code env
     * --default-signal} (8.31 and later), or nothing where there is none. A non-interactive shell
     * starts a background job with SIGINT ignored, everything it starts inherits that, and a JVM
     * leaves an ignored SIGINT ignored, so a build run in the background (as CI may) would have a run
     * that Ctrl-C cannot reach.
     */
    private static List<String> sigintDefault() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(BOUND_SECONDS, TimeUnit.SECONDS) && probe.exitValue() == 0
                ? List.of("/usr/bin/env", "--default-signal=INT")
                : List.of();
    }

    Process process() {
        return process;
    }

    /** Returns once the run has printed a line that {@code last} accepts. */
    void awaitLine(Predicate<String> last) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = out.poll(1, TimeUnit.SECONDS);
            if (line == END) {
                break;
            }
            if (line != null) {
                seen.add(line);
                if (last.test(line)) {
                    return;
                }
            } else if (!process.isAlive()) {
                break;
            }
        }
        throw new AssertionError("the run never printed the line awaited; it printed " + seen + " and on standard error "
                + errors());
    }

    /** Returns once {@code file} holds at least {@code bytes}: woken by the file's changes, not by a clock. */
    void awaitSize(Path file, long bytes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        try (WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (!(Files.exists(file) && Files.size(file) >= bytes)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError(file + " never reached " + bytes + " bytes; standard error: " + errors());
                }
                WatchKey key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s", name).isZero();
    }

    /** The exit code, once the process has ended; a process still alive after the bound is killed and fails the test. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running " + BOUND_SECONDS + " s after the signal; standard error: " + errors());
        }
        return process.exitValue();
    }

    /** Every line of standard output, once the process has ended ({@link #exitCode}). */
    List<String> output() throws InterruptedException {
        List<String> all = new ArrayList<>(seen);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = out.poll(1, TimeUnit.SECONDS);
            if (line == END) {
                return all;
            }
            if (line != null) {
                all.add(line);
            }
        }
        throw new AssertionError("standard output never ended; it held " + all);
    }

    String errors() {
        try {
            return Files.readString(err, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The lines of standard error that speak for kairos (not the JVM's or a library's). */
    List<String> kairosErrors() {
        return errors().lines().filter(l -> l.startsWith("kairos: ")).toList();
    }
}
