package dev.kairos.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PTX committed under {@code src/main/resources} is what machines without the CUDA toolkit
 * package, so it must be exactly what the installed nvcc makes of the sources. The test compiles
 * them with {@code build-ptx.sh}, the script the build and a refresh run, so the flags cannot
 * drift apart.
 */
class CommittedPtxMatchesNvccTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path REPOSITORY = MODULE.getParent();
    private static final Path COMMITTED = MODULE.resolve("src/main/resources/dev/kairos/kernels");
    private static final String REFRESH = "refresh it with kernels/build-ptx.sh and commit the result";

    @Test
    void committed_ptx_is_what_the_installed_nvcc_produces(@TempDir Path fresh) throws Exception {
        Optional<Path> nvcc = findNvcc();
        assumeTrue(nvcc.isPresent(),
                "nvcc not found ($NVCC, PATH, $CUDA_HOME/bin, /usr/local/cuda/bin): the committed PTX is not checked");

        compile(nvcc.get(), fresh);

        List<String> differences = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(ptxFiles(COMMITTED));
        names.addAll(ptxFiles(fresh));
        for (String name : names) {
            Path committed = COMMITTED.resolve(name);
            Path compiled = fresh.resolve(name);
            if (!Files.exists(committed)) {
                differences.add("file=" + REPOSITORY.relativize(committed) + " is missing, though nvcc makes it");
            } else if (!Files.exists(compiled)) {
                differences.add(
                        "file=" + REPOSITORY.relativize(committed) + " has no CUDA source, so nvcc does not make it");
            } else if (Files.mismatch(committed, compiled) >= 0) {
                differences.add("file=" + REPOSITORY.relativize(committed) + " differs from " + nvcc.get() + "'s output, "
                        + firstDifference(committed, compiled));
            }
        }
        if (!differences.isEmpty()) {
            fail("committed PTX is not what the installed nvcc produces; " + REFRESH + ":\n  "
                    + String.join("\n  ", differences));
        }
    }

    /** Looks for nvcc where {@code build-ptx.sh} does, in the same order. */
    private static Optional<Path> findNvcc() {
        String explicit = System.getenv("NVCC");
        if (explicit != null && !explicit.isEmpty()) {
            return Optional.of(Path.of(explicit));
        }
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "nvcc"));
        Stream<Path> cudaHome = Optional.ofNullable(System.getenv("CUDA_HOME")).stream()
                .map(home -> Path.of(home, "bin", "nvcc"));
        return Stream.of(onPath, cudaHome, Stream.of(Path.of("/usr/local/cuda/bin/nvcc")))
                .flatMap(s -> s)
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static void compile(Path nvcc, Path out) throws IOException, InterruptedException {
        ProcessBuilder build = new ProcessBuilder("sh", MODULE.resolve("build-ptx.sh").toString(), out.toString())
                .redirectErrorStream(true);
        build.environment().put("NVCC", nvcc.toString());
        Process process = build.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("build-ptx.sh finished").isTrue();
        assertThat(process.exitValue()).as("build-ptx.sh exit status; its output:%n%s", output).isZero();
    }

    private static List<String> ptxFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".ptx")).toList();
        }
    }

    /** Names the first line that differs, or the byte when only line endings differ. */
    private static String firstDifference(Path committedFile, Path compiledFile) throws IOException {
        List<String> committed = Files.readAllLines(committedFile, StandardCharsets.US_ASCII);
        List<String> compiled = Files.readAllLines(compiledFile, StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.max(committed.size(), compiled.size()); i++) {
            String was = i < committed.size() ? committed.get(i) : "<end of file>";
            String now = i < compiled.size() ? compiled.get(i) : "<end of file>";
            if (!was.equals(now)) {
                return "first at line=" + (i + 1) + " committed=\"" + was + "\" nvcc=\"" + now + "\"";
            }
        }
        return "in line endings, first at byte=" + Files.mismatch(committedFile, compiledFile);
    }
}
