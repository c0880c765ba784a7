package dev.kairos.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.InstanceLayout;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryStats;
import dev.kairos.Rect;
import dev.kairos.testing.InProcessTestBackend;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tutorial loop of the API overview does what the overview says: every batch is written and
 * read back correctly, and with deferred allocation a memory with room for exactly one instance
 * runs any number of batches.
 */
@Timeout(60)
class TutorialLoopSnippetTest {

    @Test
    void theOverviewsLoopVerifiesEveryBatchInRoomForOneInstance() {
        long oneInstance = InstanceLayout.of(Rect.of(0, 43_690), Map.of(101, 8L, 102, 16L), 1).totalBytes();
        int batches = 20;
        try (Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).systemMemory(oneInstance).build())) {
            TutorialLoopSnippet.tutorialLoop(kairos, batches);

            MemoryStats sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow().stats();
            assertThat(sys.allocations()).isEqualTo(batches);
            assertThat(sys.failedAllocations()).isZero();
            assertThat(sys.peakUsed()).isEqualTo(oneInstance).isEqualTo(1_398_112);
            assertThat(sys.liveInstances()).isZero();
        }
    }
}
