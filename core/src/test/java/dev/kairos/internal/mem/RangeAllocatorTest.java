package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeAllocatorTest {

    private RangeAllocator allocator = new RangeAllocator(100);

    @AfterEach
    void structureStaysValid() {
        allocator.checkInvariants();
    }

    private List<String> freeRanges() {
        List<String> ranges = new ArrayList<>();
        allocator.forEachFreeRange((offset, size) -> ranges.add("[" + offset + ", " + (offset + size) + ")"));
        return ranges;
    }

    @Nested
    class Placement {

        @Test
        void placesEachBlockAtTheLowestAddressWhereItFits() {
            assertThat(allocator.allocate(10, 1)).isZero();
            assertThat(allocator.allocate(20, 1)).isEqualTo(10);
            assertThat(allocator.allocate(10, 1)).isEqualTo(30);
            assertThat(allocator.usedBytes()).isEqualTo(40);
            assertThat(allocator.freeBytes()).isEqualTo(60);
        }

        @Test
        void prefersTheLowestHoleOverABetterFittingOne() {
            allocator.allocate(15, 1);  // [0, 15)
            allocator.allocate(35, 1);  // [15, 50)
            allocator.allocate(5, 1);   // [50, 55)
            allocator.allocate(45, 1);  // [55, 100)
            allocator.free(0, 15);
            allocator.free(50, 5);      // an exact-size hole, higher up
            assertThat(allocator.allocate(5, 1)).isZero();
        }

        @Test
        void movesOnWhenAlignmentPaddingMakesALongEnoughRangeTooShort() {
            allocator.allocate(1, 1);  // free from 1: 99 bytes, but an 8-aligned 96-byte block cannot start below 8
            assertThat(allocator.allocate(96, 8)).isEqualTo(RangeAllocator.NO_FIT);
            assertThat(allocator.allocate(90, 8)).isEqualTo(8);
            assertThat(freeRanges()).containsExactly("[1, 8)", "[98, 100)");
        }

        @Test
        void skipsALowRangeThatAlignmentDisqualifiesAndTakesTheNextOne() {
            allocator.allocate(33, 1);         // [0, 33)
            allocator.allocate(7, 1);          // [33, 40)
            allocator.free(1, 8);              // [1, 9): 8 bytes, but not 8 aligned bytes
            assertThat(allocator.allocate(8, 8)).isEqualTo(40);
        }

        @Test
        void alignsOnlyTheStartAndKeepsThePaddingFree() {
            assertThat(allocator.allocate(3, 1)).isZero();
            assertThat(allocator.allocate(8, 8)).isEqualTo(8);
            assertThat(allocator.usedBytes()).isEqualTo(11);
            assertThat(allocator.allocate(5, 1)).isEqualTo(3);
        }

        @Test
        void holdsOneBlockOfExactlyItsCapacity() {
            allocator = new RangeAllocator(1_398_112);
            assertThat(allocator.allocate(1_398_112, 16)).isZero();
            assertThat(allocator.canAllocate(1, 1)).isFalse();
            assertThat(allocator.freeRangeCount()).isZero();
            allocator.free(0, 1_398_112);
            assertThat(allocator.largestFreeRange()).isEqualTo(1_398_112);
        }

        @Test
        void handlesTheLargestCapacityWithoutOverflow() {
            long capacity = RangeAllocator.MAX_CAPACITY;
            allocator = new RangeAllocator(capacity);
            assertThat(allocator.allocate(1, 1)).isZero();
            assertThat(allocator.allocate(capacity / 2, capacity / 2)).isEqualTo(capacity / 2);
            assertThat(allocator.allocate(capacity / 2, 1)).isEqualTo(RangeAllocator.NO_FIT);
            assertThat(allocator.allocate(capacity / 2 - 1, 1)).isEqualTo(1);
            assertThat(allocator.freeBytes()).isZero();
        }

        @Test
        void aZeroCapacityMemoryHoldsNothing() {
            allocator = new RangeAllocator(0);
            assertThat(allocator.canAllocate(1, 1)).isFalse();
            assertThat(allocator.largestFreeRange()).isZero();
        }

        @Test
        void searchesFromAGivenOffsetWithoutTakingAnything() {
            allocator.allocate(10, 1);
            assertThat(allocator.firstFit(4, 4, 0)).isEqualTo(12);
            assertThat(allocator.firstFit(4, 4, 13)).isEqualTo(16);
            assertThat(allocator.firstFit(4, 1, 96)).isEqualTo(96);
            assertThat(allocator.firstFit(4, 1, 97)).isEqualTo(RangeAllocator.NO_FIT);
            assertThat(allocator.firstFit(4, 1, Long.MAX_VALUE)).isEqualTo(RangeAllocator.NO_FIT);
            assertThat(allocator.usedBytes()).isEqualTo(10);
        }

        @Test
        void takesAGivenFreeRangeAndRefusesOneThatIsNotFree() {
            allocator.allocateAt(40, 20);
            assertThat(allocator.isFree(30, 10)).isTrue();
            assertThat(allocator.isFree(30, 11)).isFalse();
            assertThat(freeRanges()).containsExactly("[0, 40)", "[60, 100)");
            assertThatThrownBy(() -> allocator.allocateAt(55, 10))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("range is not free: offset=55 size=10");
        }
    }

    @Nested
    class Freeing {

        @Test
        void mergesWithTheFreeRangeBelow() {
            allocator.allocate(10, 1);
            allocator.allocate(10, 1);
            allocator.allocate(80, 1);
            allocator.free(0, 10);
            allocator.free(10, 10);
            assertThat(freeRanges()).containsExactly("[0, 20)");
        }

        @Test
        void mergesWithTheFreeRangeAbove() {
            allocator.allocate(10, 1);
            allocator.allocate(10, 1);
            allocator.free(0, 10);
            assertThat(freeRanges()).containsExactly("[0, 10)", "[20, 100)");
            allocator.free(10, 10);
            assertThat(freeRanges()).containsExactly("[0, 100)");
        }

        @Test
        void mergesWithFreeRangesOnBothSides() {
            allocator.allocate(10, 1);
            allocator.allocate(10, 1);
            allocator.allocate(10, 1);
            allocator.free(0, 10);
            allocator.free(20, 10);
            assertThat(allocator.freeRangeCount()).isEqualTo(2);
            allocator.free(10, 10);
            assertThat(freeRanges()).containsExactly("[0, 100)");
            assertThat(allocator.freeRangeCount()).isEqualTo(1);
        }

        @Test
        void keepsAnIsolatedRangeApart() {
            allocator.allocate(30, 1);
            allocator.free(10, 10);
            assertThat(freeRanges()).containsExactly("[10, 20)", "[30, 100)");
        }

        @Test
        void detectsADoubleFree() {
            allocator.allocate(10, 1);
            allocator.allocate(10, 1);
            allocator.free(0, 10);
            assertThatThrownBy(() -> allocator.free(0, 10))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("double free")
                    .hasMessageContaining("offset=0 size=10 freeRange=[0, 10)");
        }

        @Test
        void detectsAFreeThatRunsIntoFreeSpaceAbove() {
            allocator.allocate(10, 1);
            assertThatThrownBy(() -> allocator.free(5, 10))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("freeRange=[10, 100)");
            assertThat(allocator.usedBytes()).isEqualTo(10);
        }

        @Test
        void refusesARangeOutsideTheCapacity() {
            assertThatThrownBy(() -> allocator.free(95, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("range outside capacity: offset=95 size=10 capacity=100");
        }
    }

    @Nested
    class Arguments {

        @ParameterizedTest
        @ValueSource(longs = {0, 3, 12, -8, Long.MIN_VALUE})
        void alignmentMustBeAPowerOfTwo(long alignment) {
            assertThatThrownBy(() -> allocator.allocate(8, alignment))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("alignment must be a power of two: alignment=" + alignment);
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1})
        void sizeMustBePositive(long size) {
            assertThatThrownBy(() -> allocator.allocate(size, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("size must be positive: size=" + size);
        }

        @Test
        void aRequestLargerThanTheCapacitySimplyDoesNotFit() {
            assertThat(allocator.allocate(101, 1)).isEqualTo(RangeAllocator.NO_FIT);
        }

        @Test
        void capacityMustLieBetweenZeroAndTwoToTheSixtySecond() {
            assertThatThrownBy(() -> new RangeAllocator(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("capacity out of range: capacity=-1 max=4611686018427387904");
            assertThatThrownBy(() -> new RangeAllocator(RangeAllocator.MAX_CAPACITY + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
