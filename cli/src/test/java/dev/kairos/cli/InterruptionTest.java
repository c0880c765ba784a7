package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hook a signal starts, run here by starting its thread as the JVM would: it asks the command
 * to stop, waits for the command to close it, and only when the bound passes first does what it can
 * alone. The signal tests (InterruptIT, BenchInterruptIT) reach only the first path: the second
 * needs a command that outlasts its bound.
 */
class InterruptionTest {
    /** Far longer than a hook that returns at once needs: only a hook that hangs reaches it. */
    private static final long BOUND_SECONDS = 60;

    @Test
    void aCommandThatDoesNotCloseInTimeLeavesTheHookToDoWhatItCanAloneWithTheTimeItWaited() throws Exception {
        List<Duration> late = new CopyOnWriteArrayList<>();
        try (Interruption interruption = Interruption.install(() -> Duration.ofMillis(1), late::add)) {
            assertThat(interruption.stop().requested()).isFalse();
            interruption.hook().start();
            interruption.hook().join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            assertThat(interruption.hook().isAlive()).isFalse();
            assertThat(interruption.stop().requested()).isTrue();
            assertThat(late).containsExactly(Duration.ofMillis(1));
        }
    }

    @Test
    void aCommandThatClosesLetsTheHookReturnWithoutItsLatePath() throws Exception {
        List<Duration> late = new CopyOnWriteArrayList<>();
        Interruption interruption = Interruption.install(() -> Duration.ofSeconds(BOUND_SECONDS * 10), late::add);
        interruption.hook().start();
        interruption.close();
        interruption.hook().join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        assertThat(interruption.hook().isAlive()).as("the hook, " + BOUND_SECONDS + " s after the command closed").isFalse();
        assertThat(interruption.stop().requested()).isTrue();
        assertThat(late).isEmpty();
    }
}
