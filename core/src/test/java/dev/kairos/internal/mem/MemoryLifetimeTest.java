package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.AffineAccessor;
import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.testing.InProcessTestBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An instance's bytes are bounded by its life and the runtime's (docs/DEFERRED_ALLOCATION.md, "Lifetimes"): after its
 * destroy has taken effect, or after {@code close()}, an accessor, a copy or a fill fails with
 * {@link IllegalStateException} and the instance that now holds those bytes keeps them intact.
 */
class MemoryLifetimeTest {
    private static final Map<Integer, Long> FIELD = Map.of(1, 8L);
    private static final Rect POINTS = Rect.of(0, 63);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Kairos kairos = InProcessTestBackend.start(1 << 16);
    private final Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();

    @AfterEach
    void close() {
        kairos.close();
    }

    private RegionInstance ready() {
        RegionInstance instance = RegionInstance.create(sys, POINTS, FIELD, 1, Event.NO_EVENT);
        instance.ready().await();
        return instance;
    }

    private static void write(RegionInstance instance, long value) {
        AffineAccessor a = instance.accessor(1);
        for (long p = POINTS.lo(); p <= POINTS.hi(); p++) {
            a.segment().set(ValueLayout.JAVA_LONG, a.offset(p), value + p);
        }
    }

    private static void assertHolds(RegionInstance instance, long value) {
        AffineAccessor a = instance.accessor(1);
        for (long p = POINTS.lo(); p <= POINTS.hi(); p++) {
            assertThat(a.segment().get(ValueLayout.JAVA_LONG, a.offset(p))).as("%s point %d", instance, p).isEqualTo(value + p);
        }
    }

    /** Destroys {@code gone} and places a new instance in exactly its bytes, filled with {@code value}. */
    private RegionInstance successorOf(RegionInstance gone, long value) {
        long offset = MemoryImpl.offsetOf(gone);
        gone.destroy().await();
        RegionInstance next = ready();
        assertThat(MemoryImpl.offsetOf(next)).as("first fit reuses the bytes just freed").isEqualTo(offset);
        write(next, value);
        return next;
    }

    @Test
    void anAccessorKeptPastTheDestroyFailsAndTheNextInstanceKeepsItsBytes() {
        RegionInstance a = ready();
        write(a, 1000);
        AffineAccessor kept = a.accessor(1);
        RegionInstance b = successorOf(a, 5000);

        assertThatThrownBy(() -> kept.segment().set(ValueLayout.JAVA_LONG, kept.offset(0), -1L))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> kept.segment().get(ValueLayout.JAVA_LONG, kept.offset(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> a.accessor(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    @Test
    void aCopyIntoAnInstanceDestroyedBeforeItRanFailsAndTouchesNothing() {
        RegionInstance source = ready();
        write(source, 1000);
        RegionInstance a = ready();
        UserEvent go = kairos.createUserEvent();
        Event copy = POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)), ProfilingRequestSet.NONE, go);
        RegionInstance b = successorOf(a, 5000);

        go.trigger();
        assertThat(copy.await(WAIT)).isEqualTo(Event.Status.POISONED);
        assertThat(copy.failure().orElseThrow()).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
        assertHolds(source, 1000);
    }

    @Test
    void aFillOfAnInstanceDestroyedBeforeItRanFailsAndTouchesNothing() {
        RegionInstance a = ready();
        UserEvent go = kairos.createUserEvent();
        Event fill = POINTS.fill(List.of(CopyField.of(a, 1)), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, ProfilingRequestSet.NONE, go);
        RegionInstance b = successorOf(a, 5000);

        go.trigger();
        assertThat(fill.await(WAIT)).isEqualTo(Event.Status.POISONED);
        assertThat(fill.failure().orElseThrow()).isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    @Test
    void aCopyOrFillAskedForAfterTheDestroyIsRefusedAtTheCall() {
        RegionInstance source = ready();
        RegionInstance a = ready();
        RegionInstance b = successorOf(a, 5000);

        assertThatThrownBy(() -> POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)),
                ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertThatThrownBy(() -> POINTS.fill(List.of(CopyField.of(a, 1)), new byte[8], ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was destroyed");
        assertHolds(b, 5000);
    }

    @Test
    void aDestroyWaitsForTheCopyThatPinnedTheBytesAndThenNoneMayPinThem() {
        RegionInstance a = ready();
        assertThat(MemoryImpl.pin(a)).isTrue();  // what a copy does while its engine runs
        Event destroyed = a.destroy();
        assertThat(destroyed.hasTriggered()).as("bytes given back while a copy uses them").isFalse();
        assertThat(sys.used()).isEqualTo(a.layout().totalBytes());
        assertThat(MemoryImpl.pin(a)).as("a new copy may not start once the destroy began").isFalse();
        assertThatThrownBy(() -> a.accessor(1)).isInstanceOf(IllegalStateException.class);

        MemoryImpl.unpin(a);
        assertThat(destroyed.await(WAIT)).isEqualTo(Event.Status.TRIGGERED);
        assertThat(sys.used()).isZero();
    }

    @Test
    void anAccessorKeptPastCloseFailsAndNoNewOneIsGiven() {
        RegionInstance a = ready();
        write(a, 1000);
        AffineAccessor kept = a.accessor(1);
        MemorySegment segment = kept.segment();
        kairos.close();

        assertThat(segment.scope().isAlive()).isFalse();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.set(ValueLayout.JAVA_LONG, 0, 1L)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.accessor(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }

    @Test
    void aCopyOrFillAfterCloseIsRefused() {
        RegionInstance source = ready();
        RegionInstance a = ready();
        kairos.close();

        assertThatThrownBy(() -> POINTS.copy(List.of(CopyField.of(source, 1)), List.of(CopyField.of(a, 1)),
                ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        assertThatThrownBy(() -> POINTS.fill(List.of(CopyField.of(a, 1)), new byte[8], ProfilingRequestSet.NONE, Event.NO_EVENT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }
}
