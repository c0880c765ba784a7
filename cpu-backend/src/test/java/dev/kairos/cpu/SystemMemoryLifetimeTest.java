package dev.kairos.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.AffineAccessor;
import dev.kairos.CudaMode;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SYSTEM memory is calloc'd and freed when the runtime closes: nothing kept past that point may
 * reach it (before, a kept accessor read freed memory and the JVM died of SIGSEGV).
 */
class SystemMemoryLifetimeTest {

    @Test
    void anAccessorKeptPastCloseThrowsInsteadOfReadingFreedMemory() {
        Kairos kairos = Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(64 << 20).cuda(CudaMode.OFF).build());
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        RegionInstance instance = RegionInstance.create(sys, Rect.of(0, (32 << 20) / 8 - 1), Map.of(1, 8L), 1, Event.NO_EVENT);
        instance.ready().await();
        AffineAccessor kept = instance.accessor(1);
        MemorySegment segment = kept.segment();
        segment.set(ValueLayout.JAVA_LONG, segment.byteSize() - 8, 42L);
        kairos.close();

        assertThat(segment.scope().isAlive()).isFalse();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_LONG, segment.byteSize() - 8)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.fill((byte) 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> instance.accessor(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theMemorysOwnSegmentReportsItselfClosedOnceFreed() {
        NativeHostMemory memory = NativeHostMemory.allocate(1 << 20, CpuBackend.CACHE_LINE, "test memory");
        MemorySegment segment = memory.segment();
        segment.set(ValueLayout.JAVA_LONG, 0, 7L);
        memory.close();

        assertThat(segment.scope().isAlive()).isFalse();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
        memory.close();  // idempotent: nothing is freed twice
    }
}
