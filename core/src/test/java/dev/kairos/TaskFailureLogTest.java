package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import org.junit.jupiter.api.Test;

/**
 * A failed task is logged at WARN in one line that names the task, its processor and the failure;
 * its stack trace goes with the failure to whoever awaits the task (the poisoned event's cause),
 * and to the log only at DEBUG.
 */
class TaskFailureLogTest {

    @Test
    void aFailedTaskIsOneLineAtWarnAndItsTraceReachesTheAwaiter() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            IllegalStateException failure = new IllegalStateException("the body broke");
            TaskId<Void> fail = kairos.registerTask("breaks", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
                throw failure;
            }));
            String log = LogCapture.stderrOf(() -> assertThatThrownBy(() -> cpu.spawn(fail, null).await())
                    .isInstanceOf(PoisonedEventException.class)
                    .cause().isSameAs(failure));
            assertThat(log.lines().filter(line -> !line.isBlank()).toList()).as("the log").singleElement().satisfies(line -> assertThat(line)
                    .contains("WARN")
                    .contains("task breaks", "on proc:cpu0", "failed: java.lang.IllegalStateException: the body broke"));
            assertThat(failure.getStackTrace()).as("the trace the awaiter gets").isNotEmpty();
        }
    }
}
