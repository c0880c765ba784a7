package dev.kairos.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.testing.InProcessTestBackend;
import dev.kairos.testing.TraceModel;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The trace is streamed: it reaches the file while the run goes, and nothing is traced without one. */
@Timeout(60)
class TraceFileTest {
    @TempDir
    Path dir;

    private static KairosRuntime runtimeOf(Kairos kairos) throws ReflectiveOperationException {
        Field f = Kairos.class.getDeclaredField("runtime");
        f.setAccessible(true);
        return (KairosRuntime) f.get(kairos);
    }

    @Test
    void withoutATraceTheRuntimeRecordsThroughTheNoOpTracer() throws ReflectiveOperationException {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            assertThat(runtimeOf(kairos).tracer()).isSameAs(Tracer.OFF);
        }
    }

    @Test
    void aLongRunReachesTheFileBeforeTheRuntimeClosesAndTheTracerHoldsOnlyItsBuffer() throws IOException {
        Path file = dir.resolve("long.json");
        try (Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).trace(file).build())) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            TaskId<Integer> task = kairos.registerTask("step", Integer.class, TaskVariant.on(ProcessorKind.CPU, (ctx, i) -> {}));
            UserEvent start = kairos.createUserEvent();
            Event prev = start;
            for (int i = 0; i < 5_000; i++) {
                prev = cpu.spawn(task, i, prev);
            }
            start.trigger();
            prev.await();
            // 5 000 tasks write about 10 000 events of 60 bytes and more: several buffers, on disk already.
            assertThat(Files.size(file)).isGreaterThan(4L * JsonOut.BUFFER_BYTES);
        }
        TraceModel trace = TraceModel.read(file);
        assertThat(trace.slicesOn("proc:cpu0 (CPU)")).hasSize(5_000);
        assertThat(trace.flows).hasSize(4_999);
    }
}
