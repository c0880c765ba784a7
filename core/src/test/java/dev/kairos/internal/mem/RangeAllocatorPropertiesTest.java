package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random allocate / free / probe / take / look-around scripts against a model that could not be
 * simpler: one boolean per byte of a small memory, and first fit found by trying every aligned
 * offset in turn. After every step the free ranges must be exactly the maximal runs of free bytes.
 */
class RangeAllocatorPropertiesTest {

    enum Kind { ALLOCATE, FREE, FREE_AGAIN, PROBE, TAKE, AROUND }

    record Step(Kind kind, int a, int b) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + ")";
        }
    }

    record Script(int capacity, List<Step> steps) {
        @Override
        public String toString() {
            return "capacity=" + capacity + " " + steps.size() + " steps " + steps;
        }
    }

    private record Block(int offset, int size) {}

    @Test
    void agreesWithAByteMapAfterEveryStep() {
        PropertyCheck.forAll("RangeAllocatorPropertiesTest#agreesWithAByteMapAfterEveryStep", RangeAllocatorPropertiesTest::script)
                .tries(400)
                .shrinkWith(PropertyCheck.dropElements(Script::steps, (s, steps) -> new Script(s.capacity(), steps)))
                .check(script -> run(script.capacity(), script.steps()));
    }

    /**
     * A memory of 1 to 96 bytes and up to 200 steps: allocations and frees mostly, some double frees,
     * probes, takes ({@code allocateAt} where a probe looked, or anywhere) and look-arounds (the free
     * ranges around a range).
     */
    static Script script(SplittableRandom random) {
        int capacity = random.nextInt(1, 97);
        int length = random.nextInt(201);
        List<Step> steps = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int w = random.nextInt(15);
            Kind kind = w < 5 ? Kind.ALLOCATE : w < 9 ? Kind.FREE : w < 10 ? Kind.FREE_AGAIN : w < 12 ? Kind.PROBE
                    : w < 14 ? Kind.TAKE : Kind.AROUND;
            steps.add(new Step(kind, random.nextInt(1 << 16), random.nextInt(1 << 16)));
        }
        return new Script(capacity, steps);
    }

    private static void run(int capacity, List<Step> steps) {
        RangeAllocator allocator = new RangeAllocator(capacity);
        boolean[] taken = new boolean[capacity];
        List<Block> blocks = new ArrayList<>();
        List<Block> freed = new ArrayList<>();
        for (Step step : steps) {
            switch (step.kind()) {
                case ALLOCATE -> {
                    int size = 1 + step.a() % (capacity / 2 + 1);
                    int alignment = 1 << (step.b() % 5);
                    int expected = firstFit(taken, size, alignment, 0);
                    assertThat(allocator.canAllocate(size, alignment)).isEqualTo(expected >= 0);
                    assertThat(allocator.allocate(size, alignment))
                            .as("allocate size=%d alignment=%d", size, alignment)
                            .isEqualTo(expected);
                    if (expected >= 0) {
                        mark(taken, expected, size, true);
                        blocks.add(new Block(expected, size));
                    }
                }
                case FREE -> {
                    if (!blocks.isEmpty()) {
                        Block block = blocks.remove(step.a() % blocks.size());
                        allocator.free(block.offset(), block.size());
                        mark(taken, block.offset(), block.size(), false);
                        freed.add(block);
                    }
                }
                case FREE_AGAIN -> {
                    if (!freed.isEmpty()) {
                        Block block = freed.get(step.a() % freed.size());
                        if (anyFree(taken, block.offset(), block.size())) {
                            assertThatThrownBy(() -> allocator.free(block.offset(), block.size()))
                                    .isInstanceOf(IllegalStateException.class);
                        }
                    }
                }
                case PROBE -> {
                    int size = 1 + step.a() % capacity;
                    int alignment = 1 << (step.b() % 4);
                    int from = step.b() % (capacity + 1);
                    assertThat(allocator.firstFit(size, alignment, from))
                            .as("firstFit size=%d alignment=%d from=%d", size, alignment, from)
                            .isEqualTo(firstFit(taken, size, alignment, from));
                    int offset = step.a() % (capacity - size + 1);
                    assertThat(allocator.isFree(offset, size)).isEqualTo(!anyTaken(taken, offset, size));
                }
                case TAKE -> {
                    int size = 1 + step.a() % (capacity / 2 + 1);
                    int alignment = 1 << (step.b() % 4);
                    int from = step.b() % (capacity + 1);
                    boolean whereFirstFitSays = (step.a() & 0x8000) == 0;
                    int offset = whereFirstFitSays ? firstFit(taken, size, alignment, from) : step.b() % (capacity - size + 1);
                    boolean free = offset >= 0 && !anyTaken(taken, offset, size);
                    if (whereFirstFitSays) {
                        assertThat(allocator.firstFit(size, alignment, from)).isEqualTo(offset);
                    } else {
                        assertThat(allocator.isFree(offset, size)).isEqualTo(free);
                    }
                    if (free) {
                        allocator.allocateAt(offset, size);
                        mark(taken, offset, size, true);
                        blocks.add(new Block(offset, size));
                    } else if (offset >= 0) {
                        assertThatThrownBy(() -> allocator.allocateAt(offset, size))
                                .isInstanceOf(IllegalStateException.class);
                    }
                }
                case AROUND -> {
                    int start = step.a() % capacity;
                    int end = start + 1 + step.b() % (capacity - start);
                    List<List<Long>> seen = new ArrayList<>();
                    allocator.forEachFreeRangeOverlapping(start, end, (offset, size) -> seen.add(List.of(offset, size)));
                    List<List<Long>> expected = freeRuns(taken).stream()
                            .filter(run -> run.get(0) < end && run.get(0) + run.get(1) > start).toList();
                    assertThat(seen).as("free ranges around [%d, %d)", start, end).isEqualTo(expected);
                }
            }
            allocator.checkInvariants();
            assertThat(freeRanges(allocator)).isEqualTo(freeRuns(taken));
            assertThat(allocator.largestFreeRange()).isEqualTo(longestRun(taken));
        }
    }

    private static int firstFit(boolean[] taken, int size, int alignment, int from) {
        int start = (from + alignment - 1) / alignment * alignment;
        for (int offset = start; offset + size <= taken.length; offset += alignment) {
            if (!anyTaken(taken, offset, size)) {
                return offset;
            }
        }
        return -1;
    }

    private static boolean anyTaken(boolean[] taken, int offset, int size) {
        for (int i = offset; i < offset + size; i++) {
            if (taken[i]) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyFree(boolean[] taken, int offset, int size) {
        for (int i = offset; i < offset + size; i++) {
            if (!taken[i]) {
                return true;
            }
        }
        return false;
    }

    private static void mark(boolean[] taken, int offset, int size, boolean value) {
        for (int i = offset; i < offset + size; i++) {
            taken[i] = value;
        }
    }

    private static List<List<Long>> freeRanges(RangeAllocator allocator) {
        List<List<Long>> ranges = new ArrayList<>();
        allocator.forEachFreeRange((offset, size) -> ranges.add(List.of(offset, size)));
        return ranges;
    }

    /** Maximal runs of free bytes: exactly what a coalesced free list must hold. */
    private static List<List<Long>> freeRuns(boolean[] taken) {
        List<List<Long>> runs = new ArrayList<>();
        int i = 0;
        while (i < taken.length) {
            if (taken[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < taken.length && !taken[i]) {
                i++;
            }
            runs.add(List.of((long) start, (long) (i - start)));
        }
        return runs;
    }

    private static long longestRun(boolean[] taken) {
        return freeRuns(taken).stream().mapToLong(run -> run.get(1)).max().orElse(0);
    }
}
