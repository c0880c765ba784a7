package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: {@code ./kairos} in a tree whose AOT cache does not hold (here: none, as after a
 * build with {@code -Dkairos.aot.skip}, or a folder copied without its files' times) trains it first,
 * once, saying so on standard error, and then starts every JVM with it; it never runs without a word
 * on a cache that does not match.
 */
class LauncherAotCacheIT {

    /** What one run of the launcher did. */
    private record Run(int exitCode, String out, String err) {}

    /**
     * A copy of what the launcher needs to run the packaged command line: itself, cli/aot-cache.sh, the
     * jar and its lib/, and build files older than the jar, so that it finds nothing to rebuild.
     */
    private static Path tree(Path root) throws IOException {
        Path target = Files.createDirectories(root.resolve("cli/target/lib"));
        Files.copy(Path.of("..", "kairos"), root.resolve("kairos"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Path.of("aot-cache.sh"), root.resolve("cli/aot-cache.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Path.of("target", "kairos.jar"), target.getParent().resolve("kairos.jar"));
        try (var jars = Files.list(Path.of("target", "lib"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path built : List.of(root.resolve("pom.xml"), root.resolve("cli/pom.xml"))) {
            Files.writeString(built, "<project/>");
            Files.setLastModifiedTime(built, old);
        }
        Files.setLastModifiedTime(Files.createDirectories(root.resolve("cli/src/main")), old);
        return root.resolve("kairos");
    }

    private static Run run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("kairos-out", ".txt");
        Path err = Files.createTempFile("kairos-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int code = process.waitFor();
            return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    @Test
    void withoutACacheThatHoldsTheLauncherTrainsOneOnceSayingSoAndStartsWithIt(@TempDir Path root) throws Exception {
        Path launcher = tree(root);
        Path cache = root.resolve("cli/target/kairos.aot");

        Run first = run(launcher, Map.of(), "run", "deferred-allocation", "--batches", "2");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("kairos: training the AOT cache for this JDK and these jars (once, 5-20 s): " + cache);
        assertThat(first.out()).contains("batches verified  2 / 2");
        assertThat(cache).isRegularFile();
        assertThat(root.resolve("cli/target/kairos.aot.stamp")).isRegularFile();
        try (var files = Files.list(cache.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("kairos.aot")))
                    .as("no file of the training left behind").containsExactlyInAnyOrder("kairos.aot", "kairos.aot.stamp");
        }

        Run second = run(launcher, Map.of(), "run", "deferred-allocation", "--batches", "2");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("training");
        assertThat(second.out()).contains("batches verified  2 / 2");

        // With AOTMode=on the JVM stops instead of running without a cache it was given and cannot use.
        Run strict = run(launcher, Map.of("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on"), "run", "deferred-allocation", "--batches", "2");
        assertThat(strict.exitCode()).as(strict.err()).isZero();
        assertThat(strict.out()).contains("batches verified  2 / 2");

        // A cache trained with other JIT options (as before the training had any) is made again: the
        // launcher runs with the report frequencies this training is for.
        Path stamp = root.resolve("cli/target/kairos.aot.stamp");
        List<String> lines = Files.readAllLines(stamp);
        assertThat(lines).anyMatch(line -> line.startsWith("training: -XX:Tier4InvocationThreshold="));
        Files.write(stamp, lines.stream().filter(line -> !line.startsWith("training: ")).toList());
        Run retrained = run(launcher, Map.of(), "run", "deferred-allocation", "--batches", "2");
        assertThat(retrained.exitCode()).as(retrained.err()).isZero();
        assertThat(retrained.err()).contains("kairos: training the AOT cache");
        assertThat(Files.readAllLines(stamp)).isEqualTo(lines);
    }
}
