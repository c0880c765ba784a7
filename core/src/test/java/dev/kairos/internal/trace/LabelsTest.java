package dev.kairos.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.TraceLabel;
import org.junit.jupiter.api.Test;

/** How a task's argument is labelled in its slice's name. */
class LabelsTest {
    record Batch(long number) implements TraceLabel {
        @Override
        public String traceLabel() {
            return "batch " + number;
        }
    }

    record Plain(int a, String b) {}

    enum Mode { FAST }

    @Test
    void aTraceLabelWinsOverToString() {
        assertThat(Labels.of(new Batch(17))).isEqualTo("batch 17");
    }

    @Test
    void recordsStringsNumbersAndEnumsAreLabelledByToString() {
        assertThat(Labels.of(new Plain(1, "x"))).isEqualTo("Plain[a=1, b=x]");
        assertThat(Labels.of("name")).isEqualTo("name");
        assertThat(Labels.of(3.5)).isEqualTo("3.5");
        assertThat(Labels.of(Mode.FAST)).isEqualTo("FAST");
    }

    @Test
    void nullAndObjectsWithoutTheirOwnToStringHaveNoLabel() {
        assertThat(Labels.of(null)).isEmpty();
        assertThat(Labels.of(new Object())).isEmpty();
        assertThat(Labels.of(new int[] {1, 2})).isEmpty();
    }

    @Test
    void aLongLabelIsCutWithAnEllipsis() {
        String label = Labels.of("y".repeat(200));
        assertThat(label).hasSize(Labels.MAX_CHARS).endsWith("…").startsWith("yyyy");
        assertThat(Labels.of("y".repeat(Labels.MAX_CHARS))).hasSize(Labels.MAX_CHARS).doesNotContain("…");
    }

    @Test
    void aLabelThatThrowsOrReturnsNullNeverFailsTheTask() {
        TraceLabel throwing = () -> {
            throw new IllegalStateException("boom");
        };
        assertThat(Labels.of(throwing)).isEqualTo("(label failed: IllegalStateException)");
        TraceLabel nothing = () -> null;
        assertThat(Labels.of(nothing)).isEmpty();
    }
}
