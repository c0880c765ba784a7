package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: the usage texts the build rendered (target/usage, {@link UsageTexts}) are what
 * the live command line prints, and {@code ./kairos} prints the live answer for every usage request,
 * whether it reads a text or starts the JVM.
 */
class LauncherUsageIT {

    private static final Path USAGE = Path.of("target", "usage");
    private static final Path LAUNCHER = Path.of("..", "kairos");

    /** The arguments a rendered text answers: run/help.txt -> [run, --help]; version.txt -> [--version]. */
    private static List<String> arguments(Path text) {
        String name = USAGE.relativize(text).toString();
        if (name.equals("version.txt")) {
            return List.of("--version");
        }
        List<String> args = new ArrayList<>();
        Path parent = USAGE.relativize(text).getParent();
        if (parent != null) {
            parent.forEach(p -> args.add(p.toString()));
        }
        args.add("--help");
        return args;
    }

    private static List<Path> texts() throws IOException {
        try (var walk = Files.walk(USAGE)) {
            return walk.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
    }

    /** What the packaged command line, in a JVM of its own, prints to a pipe for {@code args}. */
    private static String live(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "kairos.jar").toString()));
        command.addAll(args);
        return run(command);
    }

    /** What ./kairos prints to a pipe (not a terminal) for {@code args}. */
    private static String launcher(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(args);
        return run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLICOLOR_FORCE"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("%s", command).isZero();
        return out;
    }

    @Test
    void everyRenderedTextIsTheLiveOutputAndTheJvmThatRenderedItIsNamed() throws Exception {
        List<Path> texts = texts();
        assertThat(texts).extracting(Path::toString)
                .contains(USAGE.resolve("version.txt").toString(), USAGE.resolve("help.txt").toString(),
                        USAGE.resolve("run/help.txt").toString(), USAGE.resolve("bench/help.txt").toString());
        for (Path text : texts) {
            assertThat(Files.readString(text)).as(text.toString())
                    .isEqualTo(live(arguments(text)));
        }
        assertThat(Files.readString(USAGE.resolve(UsageTexts.JAVA_VERSION_FILE))).isEqualTo(Runtime.version() + "\n");
    }

    @Test
    void theLauncherPrintsTheLiveAnswerFromATextOrFromTheJvm() throws Exception {
        List<List<String>> cases = new ArrayList<>();
        for (Path text : texts()) {
            cases.add(arguments(text));
        }
        cases.add(List.of("-V"));
        cases.add(List.of("run", "-h"));
        cases.add(List.of("run", "deferred-allocation", "--help")); // not rendered: its defaults name the cores
        for (List<String> args : cases) {
            assertThat(launcher(args)).as("./kairos %s", args).isEqualTo(live(args));
        }
    }
}
