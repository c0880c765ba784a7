package dev.kairos.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.testing.InProcessTestBackend;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where a backend finds an instance's bytes, through the SPI alone. */
@Timeout(30)
class InstanceStorageTest {

    @Test
    void anInstanceWithBytesIsFoundInItsMemorysStorage() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 16)) {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            RegionInstance first = RegionInstance.create(sys, Rect.of(0, 99), Map.of(1, 8L), 1, ProfilingRequestSet.NONE,
                    dev.kairos.Event.NO_EVENT);
            RegionInstance second = RegionInstance.create(sys, Rect.of(0, 99), Map.of(1, 8L), 1, ProfilingRequestSet.NONE,
                    dev.kairos.Event.NO_EVENT);
            second.ready().await();
            InstanceStorage a = InstanceStorage.of(first);
            InstanceStorage b = InstanceStorage.of(second);
            assertThat(a.memory()).isSameAs(sys);
            assertThat(a.storage().capacity()).isEqualTo(1 << 16);
            assertThat(b.storage()).isSameAs(a.storage());
            assertThat(Math.abs(b.offset() - a.offset())).as("two live instances do not overlap").isGreaterThanOrEqualTo(800);
            first.destroy();
            second.destroy();
        }
    }

    @Test
    void anInstanceThatIsNotReadyHoldsNoBytesAndSaysSo() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 16)) {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            UserEvent start = kairos.createUserEvent();
            RegionInstance waiting = RegionInstance.create(sys, Rect.of(0, 9), Map.of(1, 8L), 1, ProfilingRequestSet.NONE, start);
            assertThatThrownBy(() -> InstanceStorage.of(waiting))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(waiting + " holds no bytes in " + sys);
            start.trigger();
            waiting.ready().await();
            assertThat(InstanceStorage.of(waiting).offset()).isNotNegative();
            waiting.destroy();
        }
    }
}
