package dev.kairos.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.CopyField;
import dev.kairos.CudaMode;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Copies and fills between host instances: byte for byte, across layouts, after their preconditions. */
class HostCopyTest {
    private static final Map<Integer, Long> FIELDS = Map.of(101, 8L, 102, 16L);

    private final Kairos kairos = Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(8 << 20).cuda(CudaMode.OFF).build());
    private final Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();

    @AfterEach
    void close() {
        kairos.close();
    }

    private RegionInstance ready(Rect bounds, int blockSize) {
        RegionInstance inst = RegionInstance.create(sys, bounds, FIELDS, blockSize, Event.NO_EVENT);
        inst.ready().await();
        return inst;
    }

    private static void randomize(RegionInstance inst, long seed) {
        MemorySegment s = inst.accessor(101).segment();
        Random random = new Random(seed);
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
    }

    private static byte[] field(RegionInstance inst, int field, long point) {
        var a = inst.accessor(field);
        return a.segment().asSlice(a.offset(point), a.fieldSize()).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void copiesEveryFieldOfEveryPointBetweenLayouts() {
        Rect bounds = Rect.of(0, 999);
        for (int[] layouts : new int[][] {{1, 0}, {0, 1}, {1, 1}, {0, 0}}) {
            RegionInstance src = ready(bounds, layouts[0]);
            RegionInstance dst = ready(bounds, layouts[1]);
            randomize(src, 42);
            bounds.copy(List.of(CopyField.of(src, 101), CopyField.of(src, 102)),
                    List.of(CopyField.of(dst, 101), CopyField.of(dst, 102)), ProfilingRequestSet.NONE, Event.NO_EVENT).await();
            for (long p = 0; p <= 999; p++) {
                assertThat(field(dst, 101, p)).isEqualTo(field(src, 101, p));
                assertThat(field(dst, 102, p)).isEqualTo(field(src, 102, p));
            }
            src.destroy();
            dst.destroy().await();
        }
    }

    @Test
    void copiesASubRectIntoAnInstanceWithOtherBounds() {
        RegionInstance src = ready(Rect.of(0, 99), 1);
        RegionInstance dst = ready(Rect.of(40, 59), 0);
        randomize(src, 7);
        Rect.of(45, 54).copy(List.of(CopyField.of(src, 102)), List.of(CopyField.of(dst, 102)), ProfilingRequestSet.NONE,
                Event.NO_EVENT).await();
        for (long p = 45; p <= 54; p++) {
            assertThat(field(dst, 102, p)).isEqualTo(field(src, 102, p));
        }
        assertThat(field(dst, 102, 44)).containsOnly((byte) 0);
    }

    @Test
    void fillsEveryPointOfAField() {
        for (int layout : new int[] {0, 1}) {
            RegionInstance dst = ready(Rect.of(0, 1234), layout);
            byte[] value = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
            Rect.of(0, 1234).fill(List.of(CopyField.of(dst, 102)), value, ProfilingRequestSet.NONE, Event.NO_EVENT).await();
            for (long p = 0; p <= 1234; p++) {
                assertThat(field(dst, 102, p)).isEqualTo(value);
            }
            dst.destroy().await();
        }
    }

    @Test
    void aCopyWaitsForItsPreconditionAndForTheInstances() {
        UserEvent allocate = kairos.createUserEvent();
        UserEvent go = kairos.createUserEvent();
        RegionInstance src = ready(Rect.of(0, 9), 1);
        RegionInstance dst = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, allocate);
        randomize(src, 3);
        Event copied = Rect.of(0, 9).copy(List.of(CopyField.of(src, 101)), List.of(CopyField.of(dst, 101)),
                ProfilingRequestSet.NONE, go);
        go.trigger();
        assertThat(copied.await(java.time.Duration.ofMillis(20))).isEqualTo(Event.Status.PENDING);
        allocate.trigger();
        copied.await();
        assertThat(field(dst, 101, 9)).isEqualTo(field(src, 101, 9));
    }

    @Test
    void aCopyFromAnInstanceThatFailedToAllocateIsPoisoned() {
        RegionInstance other = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, Event.NO_EVENT);
        RegionInstance huge = RegionInstance.create(sys, Rect.of(0, (8 << 20) / 32 - 1), FIELDS, 1, Event.NO_EVENT);
        assertThat(huge.ready().isPoisoned()).as("the whole memory cannot fit beside another instance").isTrue();
        Event copied = Rect.of(0, 9).copy(List.of(CopyField.of(other, 101)), List.of(CopyField.of(huge, 101)),
                ProfilingRequestSet.NONE, Event.NO_EVENT);
        assertThat(copied.await(java.time.Duration.ofSeconds(5))).isEqualTo(Event.Status.POISONED);
        huge.destroy();
        other.destroy().await();
    }

    @Test
    void mistakesFailAtTheCall() {
        RegionInstance a = ready(Rect.of(0, 9), 1);
        assertThatThrownBy(() -> Rect.of(0, 9).copy(List.of(CopyField.of(a, 101)), List.of(CopyField.of(a, 102)),
                ProfilingRequestSet.NONE, Event.NO_EVENT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sizes differ");
        assertThatThrownBy(() -> Rect.of(0, 10).copy(List.of(CopyField.of(a, 101)), List.of(CopyField.of(a, 101)),
                ProfilingRequestSet.NONE, Event.NO_EVENT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> Rect.of(0, 9).copy(List.of(CopyField.of(a, 101)), List.of(),
                ProfilingRequestSet.NONE, Event.NO_EVENT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rect.of(0, 9).fill(List.of(CopyField.of(a, 101)), new byte[3],
                ProfilingRequestSet.NONE, Event.NO_EVENT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 bytes");
    }
}
