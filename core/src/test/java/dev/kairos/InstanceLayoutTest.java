package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layout math as InstanceLayout's class comment and docs/DEFERRED_ALLOCATION.md ("The tutorial") state it. */
class InstanceLayoutTest {
    private static final Map<Integer, Long> TUTORIAL_FIELDS = Map.of(101, 8L, 102, 16L);
    private static final Rect TUTORIAL_BOUNDS = Rect.of(0, 43_690);

    @Test
    void theTutorialsArraysOfStructsHaveOffsets0And16AStrideOf32And1398112Bytes() {
        InstanceLayout aos = InstanceLayout.of(TUTORIAL_BOUNDS, TUTORIAL_FIELDS, 1);
        assertThat(TUTORIAL_BOUNDS.volume()).isEqualTo(43_691);
        assertThat(aos.field(101).offset()).isZero();
        assertThat(aos.field(102).offset()).isEqualTo(16);
        assertThat(aos.field(101).stride()).isEqualTo(32);
        assertThat(aos.field(102).stride()).isEqualTo(32);
        assertThat(aos.field(101).alignment()).isEqualTo(8);
        assertThat(aos.field(102).alignment()).isEqualTo(16);
        assertThat(aos.totalBytes()).isEqualTo(1_398_112);
        assertThat(aos.alignment()).isEqualTo(16);
    }

    @Test
    void structsOfArraysGiveOneCacheLineAlignedArrayPerField() {
        InstanceLayout soa = InstanceLayout.of(TUTORIAL_BOUNDS, TUTORIAL_FIELDS, 0);
        assertThat(soa.field(101).offset()).isZero();
        assertThat(soa.field(101).stride()).isEqualTo(8);
        assertThat(soa.field(102).stride()).isEqualTo(16);
        long firstArray = 43_691L * 8;
        assertThat(soa.field(102).offset()).isEqualTo((firstArray + 63) / 64 * 64);
        assertThat(soa.totalBytes()).isEqualTo(soa.field(102).offset() + 43_691L * 16);
    }

    @Test
    void fieldsAreLaidOutInFieldIdOrderEachAlignedToItsSize() {
        InstanceLayout aos = InstanceLayout.of(Rect.of(0, 9), Map.of(7, 1L, 3, 4L, 5, 2L), 1);
        assertThat(aos.field(3).offset()).isZero();
        assertThat(aos.field(5).offset()).isEqualTo(4);
        assertThat(aos.field(7).offset()).isEqualTo(6);
        assertThat(aos.field(3).stride()).isEqualTo(8);
        assertThat(aos.totalBytes()).isEqualTo(80);
    }

    @Test
    void fieldsIsAnUnmodifiableMapInIdOrderNegativeIdsFirst() {
        InstanceLayout soa = InstanceLayout.of(Rect.of(0, 9), Map.of(7, 1L, -3, 4L, 5, 2L), 0);
        assertThat(soa.fields().keySet()).containsExactly(-3, 5, 7);
        assertThat(soa.fields().get(5)).isEqualTo(soa.field(5));
        assertThat(soa.fields()).isSameAs(soa.fields());
        assertThatThrownBy(() -> soa.fields().remove(5)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(soa.toString()).contains("fields=[FieldLayout[fieldId=-3,", "FieldLayout[fieldId=7, size=1, alignment=1, offset=128");
    }

    @Test
    void ofAMapHoldingOneIdTwiceTheLastEntryCountsAsAPutWould() {
        Integer first = 1_000;
        Integer second = 1_000;  // boxed apart: 1 000 lies outside the Integer cache
        assertThat(first).isNotSameAs(second);
        Map<Integer, Long> sizes = new IdentityHashMap<>();
        sizes.put(first, 16L);
        sizes.put(second, 8L);
        long last = sizes.values().stream().reduce((a, b) -> b).orElseThrow();
        InstanceLayout aos = InstanceLayout.of(Rect.of(0, 9), sizes, 1);
        assertThat(aos.fields()).containsOnlyKeys(1_000);
        assertThat(aos.field(1_000).size()).isEqualTo(last);
        assertThat(aos.totalBytes()).isEqualTo(10 * last);
    }

    @Test
    void offsetsCountFromTheLowPointOfTheBounds() {
        InstanceLayout aos = InstanceLayout.of(Rect.of(100, 199), TUTORIAL_FIELDS, 1);
        assertThat(aos.offset(102, 100)).isEqualTo(16);
        assertThat(aos.offset(102, 101)).isEqualTo(48);
        assertThatThrownBy(() -> aos.offset(102, 99)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> aos.offset(102, 200)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void anEmptyRectHasNoPointsAndNoBytes() {
        Rect empty = Rect.of(5, 4);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.volume()).isZero();
        assertThat(InstanceLayout.of(empty, TUTORIAL_FIELDS, 1).totalBytes()).isZero();
        assertThat(InstanceLayout.of(empty, TUTORIAL_FIELDS, 0).totalBytes()).isZero();
        assertThat(empty).isEqualTo(Rect.of(10, 0));
    }

    @Test
    void badArgumentsAreClearIllegalArgumentExceptions() {
        assertThatThrownBy(() -> InstanceLayout.of(TUTORIAL_BOUNDS, Map.of(101, 0L), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field=101 size=0");
        assertThatThrownBy(() -> InstanceLayout.of(TUTORIAL_BOUNDS, Map.of(101, -8L), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=-8");
        assertThatThrownBy(() -> InstanceLayout.of(TUTORIAL_BOUNDS, TUTORIAL_FIELDS, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize=2");
        assertThatThrownBy(() -> InstanceLayout.of(TUTORIAL_BOUNDS, Map.of(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one field");
        assertThatThrownBy(() -> InstanceLayout.of(Rect.of(0, Long.MAX_VALUE - 1), TUTORIAL_FIELDS, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
        assertThatThrownBy(() -> InstanceLayout.of(TUTORIAL_BOUNDS, TUTORIAL_FIELDS, 1).field(999))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999").hasMessageContaining("101");
    }
}
