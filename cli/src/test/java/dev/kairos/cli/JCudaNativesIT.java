package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: {@code ./kairos} never loads JCuda's native library from the temporary
 * folder. JCuda unpacks its library there under a fixed name, and loads whatever file already lies
 * under that name: a file any local user can plant. The launcher puts the build's copy on
 * {@code java.library.path}, and the CUDA backend opens {@code libcuda.so.1} before JCuda is
 * touched, so that a machine without a driver does not send JCuda to the temporary folder either.
 */
class JCudaNativesIT {
    private static final Path LAUNCHER = Path.of("..", "kairos");

    @Test
    void aFilePlantedUnderJCudasNameInTheTemporaryFolderIsNeverLoaded(@TempDir Path tmp) throws Exception {
        Path planted = tmp.resolve(System.mapLibraryName("JCudaDriver-12.6.0-linux-x86_64"));
        Files.writeString(planted, "not a library");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "machine").redirectErrorStream(true);
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        Process process = builder.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(process.waitFor()).as("%s", lines).isZero();
        assertThat(lines).as("./kairos machine with java.io.tmpdir=%s", tmp)
                .filteredOn(line -> !line.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .anyMatch(line -> line.strip().startsWith("CUDA: "))
                .noneMatch(line -> line.contains(tmp.toString()))
                .noneMatch(line -> line.contains("too short"));
        try (var files = Files.list(tmp)) {
            assertThat(files.toList()).as("the temporary folder").containsExactly(planted);
        }
        assertThat(Files.readString(planted)).isEqualTo("not a library");
    }

    /**
     * A driver library that is there but broken (a bad mount in a container, a half-installed
     * driver): with {@code --cuda required} the error names the file the loader tried and what was
     * wrong with it, in the loader's own words.
     */
    @Test
    void aBrokenDriverLibraryIsNamedInTheLoadersOwnWordsWhenCudaIsRequired(@TempDir Path dir) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            assumeTrue(false, "this machine has a CUDA driver the loader finds, so a planted one may not be the one it reports");
        } catch (IllegalArgumentException noDriver) {
            // The loader finds none of its own: the planted one is the only candidate.
        }
        Path broken = Files.writeString(dir.resolve("libcuda.so.1"), "not a library");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "machine", "--cuda", "required").redirectErrorStream(true);
        builder.environment().put("LD_LIBRARY_PATH", dir.toString());
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isEqualTo(1);
        assertThat(output).contains("cuda is required by the configuration but unavailable",
                "JCuda could not load the CUDA driver: the dynamic loader says " + broken + ": file too short (it looks in");
    }
}
