package dev.kairos.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.AffineAccessor;
import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.internal.mem.MemoryImpl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Use after destroy and after close (docs/DEFERRED_ALLOCATION.md, "Lifetimes"), on one memory of a
 * fresh runtime: an accessor, a copy or a fill that comes too late fails with
 * {@link IllegalStateException} and the instance that holds those bytes now keeps them intact.
 *
 * <p>The memory holds two one-bucket instances, so the instance made after a destroy takes exactly
 * the bytes the destroyed one held. Values are written with fills (every memory kind has them) and
 * read through an accessor, or, where the host cannot reach the memory, through a copy to SYSTEM.
 */
final class LifetimeScenario {
    private static final Map<Integer, Long> FIELD = Map.of(1, 8L);
    private static final Rect POINTS = Rect.of(0, AllocationScenario.BUCKET / 8 - 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** One check: what it does to the kept instance {@code a}, and what must follow. */
    interface Check {
        void run(LifetimeScenario s);
    }

    private final Kairos kairos;
    private final Memory memory;
    private final Memory system;

    private LifetimeScenario(Kairos kairos, MemoryKind kind) {
        this.kairos = kairos;
        this.memory = kairos.machine().memories().kind(kind).first().orElseThrow();
        this.system = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
    }

    static void runOn(MemoryKind kind, Function<KairosConfig, Kairos> start, Check check) {
        Kairos kairos = start.apply(AllocationScenario.named("lifetime").capacity(2).config());
        try {
            check.run(new LifetimeScenario(kairos, kind));
        } finally {
            kairos.close();
        }
    }

    static List<Map.Entry<String, Check>> checks() {
        return List.of(
                Map.entry("an accessor kept past the destroy fails; the next instance keeps its bytes",
                        LifetimeScenario::accessorPastDestroy),
                Map.entry("a copy into an instance destroyed before it ran fails and touches nothing",
                        LifetimeScenario::copyPastDestroy),
                Map.entry("a fill of an instance destroyed before it ran fails and touches nothing",
                        LifetimeScenario::fillPastDestroy),
                Map.entry("a copy or fill asked for after the destroy is refused at the call",
                        LifetimeScenario::copyOrFillAfterDestroy),
                Map.entry("an accessor kept past close fails and no new one is given",
                        LifetimeScenario::accessorPastClose),
                Map.entry("a copy or fill asked for after close is refused", LifetimeScenario::copyOrFillAfterClose),
                Map.entry("a segment kept past the destroy reports itself closed; the next instance keeps its bytes",
                        LifetimeScenario::segmentPastDestroy),
                Map.entry("a segment kept past its task body reports itself closed; the next instance keeps its bytes",
                        LifetimeScenario::segmentPastBody),
                Map.entry("a destroy racing a body that holds a segment gives the bytes back when the body returns",
                        LifetimeScenario::destroyWhileBodyHoldsSegment));
    }

    // ---------------------------------------------------------------- checks

    private void accessorPastDestroy() {
        if (!memory.kind().isHostAccessible()) {
            return;
        }
        RegionInstance a = ready(memory);
        fill(a, 1000);
        AffineAccessor kept = a.accessor(1);
        RegionInstance b = successorOf(a, 5000);

        assertThatThrownBy(() -> kept.segment().set(ValueLayout.JAVA_LONG, kept.offset(0), -1L))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> kept.segment().get(ValueLayout.JAVA_LONG, kept.offset(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> a.accessor(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    private void copyPastDestroy() {
        RegionInstance source = ready(memory);
        fill(source, 1000);
        RegionInstance a = ready(memory);
        UserEvent go = kairos.createUserEvent();
        Event copy = POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)), ProfilingRequestSet.NONE, go);
        RegionInstance b = successorOf(a, 5000);

        go.trigger();
        assertThat(copy.await(WAIT)).isEqualTo(Event.Status.POISONED);
        assertThat(copy.failure().orElseThrow()).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
        assertHolds(source, 1000);
    }

    private void fillPastDestroy() {
        RegionInstance a = ready(memory);
        UserEvent go = kairos.createUserEvent();
        Event fill = POINTS.fill(List.of(CopyField.of(a, 1)), bytesOf(-1), ProfilingRequestSet.NONE, go);
        RegionInstance b = successorOf(a, 5000);

        go.trigger();
        assertThat(fill.await(WAIT)).isEqualTo(Event.Status.POISONED);
        assertThat(fill.failure().orElseThrow()).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    private void copyOrFillAfterDestroy() {
        RegionInstance source = ready(memory);
        fill(source, 1000);
        RegionInstance a = ready(memory);
        RegionInstance b = successorOf(a, 5000);

        assertThatThrownBy(() -> POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)),
                ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> POINTS.fill(List.of(CopyField.of(a, 1)), bytesOf(-1), ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    private void accessorPastClose() {
        if (!memory.kind().isHostAccessible()) {
            return;
        }
        RegionInstance a = ready(memory);
        fill(a, 1000);
        AffineAccessor kept = a.accessor(1);
        MemorySegment segment = kept.segment();
        kairos.close();

        assertClosed(segment);
        assertThatThrownBy(() -> a.accessor(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }

    private void segmentPastDestroy() {
        if (!memory.kind().isHostAccessible()) {
            return;
        }
        RegionInstance a = ready(memory);
        fill(a, 1000);
        MemorySegment segment = a.accessor(1).segment();
        assertThat(segment.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(1000);
        RegionInstance b = successorOf(a, 5000);

        assertClosed(segment);
        assertHolds(b, 5000);
    }

    private void segmentPastBody() {
        if (!memory.kind().isHostAccessible()) {
            return;
        }
        RegionInstance a = ready(memory);
        AtomicReference<MemorySegment> kept = new AtomicReference<>();
        Event wrote = spawn("keep", () -> {
            AffineAccessor f = a.accessor(1);
            MemorySegment s = f.segment();
            s.set(ValueLayout.JAVA_LONG, f.offset(0), 7L);
            assertThat(f.segment()).as("one segment per instance and body").isSameAs(s);
            kept.set(s);
        }, Event.NO_EVENT);
        assertThat(wrote.await(WAIT)).isEqualTo(Event.Status.TRIGGERED);
        MemorySegment segment = kept.get();

        // Confined to the body's thread, which ended: here the JVM names the wrong thread first.
        assertThat(segment.scope().isAlive()).as("the body's scope ends with the body").isFalse();
        assertThatThrownBy(() -> segment.set(ValueLayout.JAVA_LONG, 0, -1L))
                .isInstanceOfAny(IllegalStateException.class, WrongThreadException.class);
        assertThat(a.accessor(1).segment().get(ValueLayout.JAVA_LONG, 0)).as("the body's write").isEqualTo(7);
        ready(memory); // the memory is full: the next instance can only take a's bytes
        RegionInstance b = successorOf(a, 5000);
        assertThatThrownBy(() -> segment.fill((byte) -1)).isInstanceOfAny(IllegalStateException.class, WrongThreadException.class);
        assertHolds(b, 5000);
    }

    private void destroyWhileBodyHoldsSegment() {
        if (!memory.kind().isHostAccessible()) {
            return;
        }
        RegionInstance a = ready(memory);
        ready(memory); // the memory is full: b can only take a's bytes
        fill(a, 1000);
        long offset = MemoryImpl.offsetOf(a);
        CompletableFuture<MemorySegment> lent = new CompletableFuture<>();
        UserEvent go = kairos.createUserEvent();
        Event body = spawn("hold", () -> {
            AffineAccessor f = a.accessor(1);
            MemorySegment s = f.segment();
            lent.complete(s);
            go.await(); // the destroy below takes effect here, while the body still holds the segment
            for (long p = POINTS.lo(); p <= POINTS.hi(); p++) {
                s.set(ValueLayout.JAVA_LONG, f.offset(p), -1L);
            }
        }, Event.NO_EVENT);
        lent.join();
        Event destroyed = a.destroy(); // not ordered after the body: a program error that must not corrupt
        RegionInstance b = RegionInstance.create(memory, POINTS, FIELD, 1, Event.NO_EVENT);
        assertThat(b.ready().await(Duration.ofMillis(50))).as("b waits for the bytes the body holds")
                .isEqualTo(Event.Status.PENDING);
        assertThat(destroyed.hasTriggered()).isFalse();

        go.trigger();
        assertThat(body.await(WAIT)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(destroyed.await(WAIT)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(b.ready().await(WAIT)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(MemoryImpl.offsetOf(b)).isEqualTo(offset);
        assertThat(lent.join().scope().isAlive()).isFalse();
        fill(b, 5000);
        assertHolds(b, 5000);
    }

    private void copyOrFillAfterClose() {
        RegionInstance source = ready(memory);
        RegionInstance a = ready(memory);
        kairos.close();

        assertThatThrownBy(() -> POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)),
                ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        assertThatThrownBy(() -> POINTS.fill(List.of(CopyField.of(a, 1)), bytesOf(-1), ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code body} as a task on a CPU processor once {@code waitOn} triggers. */
    private Event spawn(String name, Runnable body, Event waitOn) {
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        TaskId<Void> task = kairos.registerTask(name, Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, args) -> body.run()));
        return cpu.spawn(task, null, waitOn);
    }

    private static RegionInstance ready(Memory in) {
        RegionInstance instance = RegionInstance.create(in, POINTS, FIELD, 1, Event.NO_EVENT);
        assertThat(instance.ready().await(WAIT)).as("%s ready in %s", instance, in).isEqualTo(Event.Status.TRIGGERED);
        return instance;
    }

    /** The segment reports itself closed, and reading, writing and filling through it fail. */
    private static void assertClosed(MemorySegment segment) {
        assertThat(segment.scope().isAlive()).isFalse();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.set(ValueLayout.JAVA_LONG, 0, -1L)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.fill((byte) -1)).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] bytesOf(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
    }

    private static void fill(RegionInstance instance, long value) {
        Event filled = POINTS.fill(List.of(CopyField.of(instance, 1)), bytesOf(value), ProfilingRequestSet.NONE, Event.NO_EVENT);
        assertThat(filled.await(WAIT)).as("fill of %s", instance).isEqualTo(Event.Status.TRIGGERED);
    }

    /** Destroys {@code gone} and places a new instance in exactly its bytes, filled with {@code value}. */
    private RegionInstance successorOf(RegionInstance gone, long value) {
        long offset = MemoryImpl.offsetOf(gone);
        gone.destroy().await(WAIT);
        RegionInstance next = ready(memory);
        assertThat(MemoryImpl.offsetOf(next)).as("the only free place is the bytes just freed").isEqualTo(offset);
        fill(next, value);
        return next;
    }

    /** Every point of {@code instance} holds {@code value}: read on the host, through a copy to SYSTEM if need be. */
    private void assertHolds(RegionInstance instance, long value) {
        RegionInstance readable = instance;
        if (!instance.memory().kind().isHostAccessible()) {
            readable = ready(system);
            Event copied = POINTS.copy(List.of(CopyField.of(instance, 1)), List.of(CopyField.of(readable, 1)),
                    ProfilingRequestSet.NONE, Event.NO_EVENT);
            assertThat(copied.await(WAIT)).as("copy of %s to read it", instance).isEqualTo(Event.Status.TRIGGERED);
        }
        AffineAccessor a = readable.accessor(1);
        for (long p = POINTS.lo(); p <= POINTS.hi(); p++) {
            assertThat(a.segment().get(ValueLayout.JAVA_LONG, a.offset(p))).as("%s point %d", instance, p).isEqualTo(value);
        }
        if (readable != instance) {
            readable.destroy().await(WAIT);
        }
    }
}
