package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar: drawn for a long run on a terminal, never into a redirected stream. */
class ProgressTest {

    private static String draw(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
                Progress progress = new Progress("batches", 10, "batches", err, () -> terminal, 0)) {
            progress.accept(3);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLongRunOnATerminalShowsTheBar() {
        assertThat(draw(true)).contains("batches", "3/10");
    }

    @Test
    void aRedirectedStreamGetsNoBar() {
        assertThat(draw(false)).isEmpty();
    }
}
