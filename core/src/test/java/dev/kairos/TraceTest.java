package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import dev.kairos.testing.TraceModel;
import dev.kairos.testing.TraceModel.Slice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KairosConfig.trace(Path)}: what the timeline holds, read back as a viewer reads it
 * ({@link TraceModel} checks the format on every read).
 */
@Timeout(60)
class TraceTest {
    private static final Map<Integer, Long> FIELDS = Map.of(1, 8L);
    private static final Rect BOUNDS = Rect.of(0, 1023);
    private static final long INSTANCE_BYTES = 1024 * 8;

    @TempDir
    Path dir;

    /** A task argument as the tutorial's: a batch that labels itself. */
    record Batch(long number, RegionInstance instance) implements TraceLabel {
        @Override
        public String traceLabel() {
            return "batch " + number;
        }
    }

    private Kairos start(Path trace, long systemMemory, boolean deferral) {
        return InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).systemMemory(systemMemory)
                .deferredAllocation(deferral).trace(trace).build());
    }

    private static Processor cpu(Kairos kairos) {
        return kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
    }

    private static Memory sys(Kairos kairos) {
        return kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
    }

    /** Realm's tutorial loop, deferred (each create waits on the previous reader) or eager. */
    private static void tutorialLoop(Kairos kairos, int batches, boolean eager) {
        TaskId<Batch> writer = kairos.registerTask("writer", Batch.class, TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> {}));
        TaskId<Batch> reader = kairos.registerTask("reader", Batch.class, TaskVariant.on(ProcessorKind.CPU, (ctx, b) -> {}));
        UserEvent start = kairos.createUserEvent();
        Event prev = start;
        for (int i = 1; i <= batches; i++) {
            RegionInstance inst = RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE,
                    eager ? Event.NO_EVENT : prev);
            Batch batch = new Batch(i, inst);
            Event written = cpu(kairos).spawn(writer, batch, eager ? Event.merge(prev, inst.ready()) : inst.ready());
            prev = cpu(kairos).spawn(reader, batch, written);
            inst.destroy(Event.mergeIgnoringFaults(List.of(prev)));
        }
        start.trigger();
        prev.await();
    }

    @Test
    void theDeferredLoopHasASliceperTaskASpanPerInstanceAndACounterThatNeverPassesOneInstance() throws IOException {
        Path file = dir.resolve("deferred.json");
        try (Kairos kairos = start(file, 1 << 20, true)) {
            tutorialLoop(kairos, 5, false);
        }
        TraceModel trace = TraceModel.read(file);

        assertThat(trace.processNames).containsValues("Kairos processors", "mem:sys (SYSTEM)");
        List<Slice> tasks = trace.slicesOn("proc:cpu0 (CPU)");
        assertThat(tasks).extracting(Slice::name).containsExactly("writer batch 1", "reader batch 1", "writer batch 2",
                "reader batch 2", "writer batch 3", "reader batch 3", "writer batch 4", "reader batch 4", "writer batch 5",
                "reader batch 5");
        assertThat(tasks.getFirst().args().get("event").asString()).matches("event:\\d+"); // the task's event, as errors name it

        List<Slice> instances = trace.slicesOnThreadsStartingWith("instances #");
        assertThat(instances).hasSize(5).allSatisfy(s -> {
            assertThat(s.thread()).isEqualTo("instances #0"); // one at a time: one lane
            assertThat(s.args().get("bytes").asLong()).isEqualTo(INSTANCE_BYTES);
            assertThat(s.args().get("offset").asLong()).isZero();
        });
        // An instance lives from before its writer to its reader's completion, which the reader's slice holds
        // (a task's slice lasts until it leaves its processor, the events its end triggers included).
        for (int i = 0; i < 5; i++) {
            Slice writer = tasks.get(2 * i);
            Slice reader = tasks.get(2 * i + 1);
            assertThat(instances.get(i).begin()).isLessThanOrEqualTo(writer.begin());
            assertThat(instances.get(i).end()).isBetween(reader.begin(), reader.end());
        }

        // Ten changes (an allocation and a release per batch), never above one instance, back to zero at the end.
        assertThat(trace.counter("mem:sys in use")).hasSize(10).allMatch(v -> v <= INSTANCE_BYTES).contains(8192.0)
                .endsWith(0.0);
        assertThat(trace.instantsOn("allocation decisions")).extracting(TraceModel.Instant::name)
                .allMatch(n -> n.matches("inst:\\d+ success now")).hasSize(5);

        // Each writer became ready inside the reader before it (its create waited on that reader).
        assertThat(trace.flows).extracting(f -> f.from().name() + " -> " + f.to().name()).contains(
                "reader batch 1 -> writer batch 2", "reader batch 4 -> writer batch 5", "writer batch 3 -> reader batch 3");
    }

    @Test
    void theEagerLoopInAMemoryOfTwoInstancesIsAcceptedAndWaitsAndItsSpansTakeTwoLanes() throws IOException {
        Path file = dir.resolve("eager.json");
        try (Kairos kairos = start(file, 2 * INSTANCE_BYTES, true)) {
            tutorialLoop(kairos, 4, true);
        }
        TraceModel trace = TraceModel.read(file);

        List<String> decisions = trace.instantsOn("allocation decisions").stream().map(TraceModel.Instant::name)
                .map(n -> n.replaceFirst("inst:\\d+ ", "")).toList();
        assertThat(decisions).containsExactly("success now", "success now", "accepted", "accepted", "eventual success",
                "eventual success");
        assertThat(trace.slicesOnThreadsStartingWith("instances #")).extracting(Slice::thread)
                .containsOnly("instances #0", "instances #1");
        assertThat(trace.counter("mem:sys in use")).startsWith(8192.0, 16384.0).allMatch(v -> v <= 16384.0).endsWith(0.0);
    }

    @Test
    void aFailedAllocationIsAnInstantThatSaysWhichRuleRefusedItWithTheNumbers() throws IOException {
        Path file = dir.resolve("failed.json");
        try (Kairos kairos = start(file, INSTANCE_BYTES, false)) {
            RegionInstance first = RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE, Event.NO_EVENT);
            RegionInstance second = RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE, Event.NO_EVENT);
            assertThat(second.ready().await(java.time.Duration.ofSeconds(10))).isEqualTo(Event.Status.POISONED);
            first.destroy().await();
        }
        TraceModel trace = TraceModel.read(file);

        TraceModel.Instant failed = trace.instantsOn("allocation decisions").get(1);
        assertThat(failed.name()).matches("inst:\\d+ failed DOES_NOT_FIT_NOW");
        assertThat(failed.args().get("bytes").asLong()).isEqualTo(INSTANCE_BYTES);
        assertThat(failed.args().get("reason").asString()).contains("reason=DOES_NOT_FIT_NOW", "capacity=8192", "used=8192");
        assertThat(trace.slicesOnThreadsStartingWith("instances #")).hasSize(1);
    }

    @Test
    void copiesAndFillsAreSlicesOnTheTrackOfTheirPath() throws IOException {
        Path file = dir.resolve("copies.json");
        try (Kairos kairos = start(file, 1 << 20, true)) {
            RegionInstance a = RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE, Event.NO_EVENT);
            RegionInstance b = RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE, Event.NO_EVENT);
            Event filled = BOUNDS.fill(List.of(CopyField.of(a, 1)), new byte[8], ProfilingRequestSet.NONE, Event.NO_EVENT);
            Event copied = BOUNDS.copy(List.of(CopyField.of(a, 1)), List.of(CopyField.of(b, 1)), ProfilingRequestSet.NONE, filled);
            a.destroy(copied);
            b.destroy(copied).await();
        }
        TraceModel trace = TraceModel.read(file);

        assertThat(trace.slicesOn("fill mem:sys #0")).singleElement().satisfies(s -> {
            assertThat(s.name()).matches("fill inst:\\d+");
            assertThat(s.args().get("points").asLong()).isEqualTo(1024);
        });
        assertThat(trace.slicesOn("copy mem:sys → mem:sys #0")).singleElement()
                .satisfies(s -> assertThat(s.name()).matches("copy inst:\\d+ → inst:\\d+"));
        assertThat(trace.processNames).containsValue("Kairos copies");
    }

    @Test
    void aTaskThatBlocksInsideItsBodyHoldsTheTasksThatRanMeanwhileInsideItsSlice() throws IOException {
        Path file = dir.resolve("blocking.json");
        try (Kairos kairos = start(file, 1 << 20, true)) {
            TaskId<String> inner = kairos.registerTask("inner", String.class, TaskVariant.on(ProcessorKind.CPU, (ctx, s) -> {}));
            TaskId<String> outer = kairos.registerTask("outer", String.class, TaskVariant.on(ProcessorKind.CPU,
                    (ctx, s) -> ctx.processor().spawn(inner, "spawned inside", Event.NO_EVENT).await()));
            cpu(kairos).spawn(outer, "waits", Event.NO_EVENT).await();
        }
        TraceModel trace = TraceModel.read(file);

        List<Slice> tasks = trace.slicesOn("proc:cpu0 (CPU)");
        assertThat(tasks).extracting(Slice::name).containsExactly("outer waits", "inner spawned inside");
        assertThat(tasks.get(1).begin()).isGreaterThanOrEqualTo(tasks.get(0).begin());
        assertThat(tasks.get(1).end()).isLessThanOrEqualTo(tasks.get(0).end());
        assertThat(trace.flows).extracting(f -> f.from().name() + " -> " + f.to().name())
                .containsExactly("outer waits -> inner spawned inside");
    }

    @Test
    void anArgumentIsLabelledByItsToStringWhenItHasOneAndNotAtAllOtherwise() throws IOException {
        Path file = dir.resolve("labels.json");
        record Point(long x, long y) {}
        try (Kairos kairos = start(file, 1 << 20, true)) {
            TaskId<Object> task = kairos.registerTask("t", Object.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
            Event last = Event.NO_EVENT;
            for (Object arg : new Object[] {new Point(1, 2), 42, "a \"quoted\" name\n", new Object(), null, "x".repeat(100)}) {
                last = cpu(kairos).spawn(task, arg, last);
            }
            last.await();
        }
        TraceModel trace = TraceModel.read(file);

        assertThat(trace.slicesOn("proc:cpu0 (CPU)")).extracting(Slice::name).containsExactly("t Point[x=1, y=2]", "t 42",
                "t a \"quoted\" name\n", "t", "t", "t " + "x".repeat(47) + "…");
    }

    @Test
    void instancesNeverDestroyedEndWithTheRuntimeSoTheTraceStaysWellFormed() throws IOException {
        Path file = dir.resolve("leak.json");
        try (Kairos kairos = start(file, 1 << 20, true)) {
            RegionInstance.create(sys(kairos), BOUNDS, FIELDS, 1, ProfilingRequestSet.NONE, Event.NO_EVENT).ready().await();
        }
        assertThat(TraceModel.read(file).slicesOnThreadsStartingWith("instances #")).hasSize(1);
    }

    @Test
    void aTraceThatCannotBeWrittenStopsTheStartAndNamesTheFile() {
        Path file = dir.resolve("no such folder").resolve("t.json");
        assertThatThrownBy(() -> start(file, 1 << 20, true)).isInstanceOf(KairosException.class)
                .hasMessageContaining("cannot write the trace: trace=" + file);
    }

    @Test
    void aTraceThatFailsAsItIsWrittenCostsTheTraceNotTheRunAndTheRuntimeSaysWhy() {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "needs Linux's " + full + ", where every write fails: disk full");
        Kairos kairos = start(full, 1 << 20, true);
        try (kairos) {
            tutorialLoop(kairos, 3, false);
        }
        assertThat(kairos.traceFailure().orElseThrow()).hasMessage("No space left on device");
    }

    @Test
    void aTraceWrittenInFullOrNoneAtAllHasNoFailure() {
        Kairos traced = start(dir.resolve("t.json"), 1 << 20, true);
        try (traced) {
            tutorialLoop(traced, 3, false);
            assertThat(traced.traceFailure()).isEmpty();
        }
        assertThat(traced.traceFailure()).isEmpty();
        try (Kairos untraced = start(null, 1 << 20, true)) {
            assertThat(untraced.traceFailure()).isEmpty();
        }
    }

    @Test
    void eachOfSeveralRuntimesWritesItsOwnTrace() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path file = dir.resolve("runtime" + i + ".json");
            files.add(file);
            try (Kairos kairos = start(file, 1 << 20, true)) {
                tutorialLoop(kairos, 1 + i, false);
            }
        }
        assertThat(TraceModel.read(files.get(0)).slicesOn("proc:cpu0 (CPU)")).hasSize(2);
        assertThat(TraceModel.read(files.get(1)).slicesOn("proc:cpu0 (CPU)")).hasSize(4);
        assertThat(Files.readString(files.get(0))).contains("\"producer\":\"Kairos\"");
    }
}
