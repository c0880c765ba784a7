package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code package}: the progress bar follows standard error, where it is drawn. Under
 * {@code script}, which gives the command a terminal, a long run with its output redirected still
 * shows the bar, and one with its errors redirected writes none of the bar's frames into the file.
 */
class ProgressTerminalIT {
    /**
     * Long enough to pass the bar's half-second delay on a machine several times faster than the
     * project's: 8 000 batches of 1 MiB, 2.1 s of batches on an idle 2-core VM. 8 000 of 64 KiB took
     * 0.44 s there, and the bar never came.
     */
    private static final String RUN = "run deferred-allocation --cpus 1 --cuda off --batches 8000";

    private static String underATerminal(String redirection, Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs util-linux's script(1) for a terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = java + " --enable-native-access=ALL-UNNAMED -jar " + Path.of("target", "kairos.jar").toAbsolutePath() + " " + RUN
                + " " + redirection;
        Process process = new ProcessBuilder("/usr/bin/script", "-qefc", command, "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String transcript = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s", transcript).isZero();
        return transcript;
    }

    @Test
    void outputRedirectedTheBarStillShowsOnTheTerminal(@TempDir Path dir) throws Exception {
        String screen = underATerminal("> out.txt", dir);
        assertThat(screen).as("the terminal").contains("batches", "%");
        assertThat(Files.readString(dir.resolve("out.txt"))).as("standard output").contains("batches verified").doesNotContain("\r");
    }

    @Test
    void errorsRedirectedTheFileGetsNoBar(@TempDir Path dir) throws Exception {
        underATerminal("2> err.log", dir);
        assertThat(Files.readString(dir.resolve("err.log"))).as("standard error").doesNotContain("\r").doesNotContain("%");
    }
}
