package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a destroy and a copy share an instance's bytes (docs/DEFERRED_ALLOCATION.md, "Lifetimes"). The
 * uses after destroy and after close that must fail are in {@link dev.kairos.testing.MemoryContract},
 * on every managed memory kind.
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
}
