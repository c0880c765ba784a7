package dev.kairos.cpu;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.kairos.snippets.TutorialLoopSnippet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API overview's tutorial, start to close, as a program runs it: {@code Kairos.start(config)}
 * finds this backend through ServiceLoader, and every reader finds what its writer wrote (a wrong
 * value poisons the last event, which the loop awaits).
 */
@Timeout(60)
class TutorialLoopSnippetOnCpuTest {

    @Test
    void theOverviewsProgramRunsOnTheCpuBackend() {
        assertThatCode(() -> TutorialLoopSnippet.start(20)).doesNotThrowAnyException();
    }
}
