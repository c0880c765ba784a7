package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A memory drains thousands of accepted allocations (rule 5): what is checked is only the outcome;
 * how long it takes is {@code kairos bench alloc}'s pressure case.
 */
class MemoryPressureTest {
    private static final int N = 10_000;
    private static final long SLOT = 64;

    @Test
    void tenThousandAcceptedAllocationsAllBecomeReadyWhenTheirReleasesTriggerInAnyOrder() {
        try (Kairos kairos = InProcessTestBackend.start(N * SLOT)) {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            Rect slot = Rect.of(0, SLOT / 8 - 1);
            List<UserEvent> releases = new ArrayList<>(N);
            for (int i = 0; i < N; i++) {
                RegionInstance held = RegionInstance.create(sys, slot, Map.of(1, 8L), 1, Event.NO_EVENT);
                UserEvent release = kairos.createUserEvent();
                held.destroy(release);
                releases.add(release);
            }
            List<RegionInstance> accepted = new ArrayList<>(N);
            for (int i = 0; i < N; i++) {
                accepted.add(RegionInstance.create(sys, slot, Map.of(1, 8L), 1, Event.NO_EVENT));
            }
            assertThat(sys.stats().deferredAllocations()).isEqualTo(N);
            long seed = new Random().nextLong();
            Collections.shuffle(releases, new Random(seed));
            releases.forEach(UserEvent::trigger);

            for (RegionInstance a : accepted) {
                assertThat(a.ready().await(Duration.ofSeconds(60))).as("%s ready (shuffle seed %d)", a, seed)
                        .isEqualTo(Event.Status.TRIGGERED);
            }
            assertThat(sys.used()).isEqualTo(N * SLOT);
            Event.merge(accepted.stream().map(RegionInstance::destroy).toList()).await();
            assertThat(sys.used()).isZero();
            ((MemoryImpl) sys).checkInvariants();
        }
    }
}
