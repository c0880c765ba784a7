package dev.kairos.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.internal.mem.Allocation;
import dev.kairos.internal.mem.AllocationPlanner;
import dev.kairos.internal.mem.RangeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocation under fragmentation, at three depths: the {@link RangeAllocator} alone, the
 * {@link AllocationPlanner} (the deferred-allocation rules, no pressure), and
 * {@code RegionInstance.create} + {@code destroy} through the public API. Each operation frees a
 * random live block (random free order) and allocates one of a random size between 16 bytes and
 * 4 KiB, so {@code live} blocks stay allocated; {@code live} = 0 is create-then-destroy on an empty
 * allocator.
 *
 * <p>{@link #pressureDrain} is the planner under pressure: {@code waiting} accepted allocations
 * drained by as many releases in random order (see {@link Pressure}); divide its time by
 * {@code waiting} for the time per completed allocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AllocatorBenchmarks {
    static final long CAPACITY = 1L << 30;
    static final long ALIGNMENT = 64;
    static final int DRAWS = 1 << 16;
    static final Map<Integer, Long> FIELD = Map.of(1, 8L);

    /** Random sizes and victims, drawn once per trial; a cursor walks them. */
    @State(Scope.Thread)
    public static class Draws {
        @Param({"0", "1000", "100000"})
        public int live;

        final long[] sizes = new long[DRAWS];
        final int[] victims = new int[DRAWS];
        int cursor;

        @Setup(Level.Trial)
        public void draw() {
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < DRAWS; i++) {
                sizes[i] = 8 * random.nextLong(2, 513);
                victims[i] = live == 0 ? 0 : random.nextInt(live);
            }
        }

        int next() {
            int i = cursor;
            cursor = (i + 1) & (DRAWS - 1);
            return i;
        }
    }

    @State(Scope.Thread)
    public static class Ranges {
        RangeAllocator allocator;
        long[] offsets;
        long[] sizes;

        @Setup(Level.Trial)
        public void fill(Draws d) {
            allocator = new RangeAllocator(CAPACITY);
            offsets = new long[Math.max(d.live, 1)];
            sizes = new long[offsets.length];
            for (int i = 0; i < d.live; i++) {
                int j = d.next();
                sizes[i] = d.sizes[j];
                offsets[i] = allocator.allocate(sizes[i], ALIGNMENT);
            }
        }
    }

    @Benchmark
    public long rangeAllocator(Ranges r, Draws d) {
        int i = d.next();
        long size = d.sizes[i];
        if (d.live == 0) {
            long offset = r.allocator.allocate(size, ALIGNMENT);
            r.allocator.free(offset, size);
            return offset;
        }
        int v = d.victims[i];
        r.allocator.free(r.offsets[v], r.sizes[v]);
        long offset = r.allocator.allocate(size, ALIGNMENT);
        r.offsets[v] = offset;
        r.sizes[v] = size;
        return offset;
    }

    /** Effects that count completions: the planner's decisions are the subject. */
    static final class Counting implements AllocationPlanner.Effects<Void> {
        long allocated;

        @Override
        public void allocated(Allocation<Void> allocation) {
            allocated++;
        }

        @Override
        public void failed(Allocation<Void> allocation) {
            throw new IllegalStateException("allocation failed: " + allocation.failure().message());
        }

        @Override
        public void released(Allocation<Void> allocation, boolean heldBytes) {}
    }

    @State(Scope.Thread)
    public static class Planner {
        final Counting effects = new Counting();
        AllocationPlanner<Void> planner;
        List<Allocation<Void>> requests;

        @Setup(Level.Trial)
        public void fill(Draws d) {
            planner = new AllocationPlanner<>(CAPACITY, true);
            requests = new ArrayList<>(Math.max(d.live, 1));
            for (int i = 0; i < d.live; i++) {
                requests.add(allocate(d.sizes[d.next()]));
            }
        }

        Allocation<Void> allocate(long bytes) {
            Allocation<Void> r = planner.newRequest(bytes, ALIGNMENT, null);
            planner.decide(r, effects);
            return r;
        }

        void release(Allocation<Void> r) {
            planner.registerRelease(r);
            planner.triggerRelease(r, effects);
        }
    }

    /** newRequest + decide, registerRelease + triggerRelease: what a memory does under its lock. */
    @Benchmark
    public Allocation<Void> planner(Planner p, Draws d) {
        int i = d.next();
        Allocation<Void> fresh;
        if (d.live == 0) {
            fresh = p.allocate(d.sizes[i]);
            p.release(fresh);
            return fresh;
        }
        int v = d.victims[i];
        p.release(p.requests.get(v));
        fresh = p.allocate(d.sizes[i]);
        p.requests.set(v, fresh);
        return fresh;
    }

    /**
     * A memory of {@code waiting} slots, full; every instance's destroy is registered (its
     * precondition not triggered), then {@code waiting} one-slot requests are accepted, each planned
     * over one of those slots. Built before every invocation, untimed.
     */
    @State(Scope.Thread)
    public static class Pressure {
        @Param({"1000", "10000", "100000"})
        public int waiting;

        final Counting effects = new Counting();
        AllocationPlanner<Void> planner;
        List<Allocation<Void>> releaseOrder;

        @Setup(Level.Invocation)
        public void fill() {
            planner = new AllocationPlanner<>(waiting * ALIGNMENT, true);
            List<Allocation<Void>> held = new ArrayList<>(waiting);
            for (int i = 0; i < waiting; i++) {
                Allocation<Void> h = planner.newRequest(ALIGNMENT, ALIGNMENT, null);
                planner.decide(h, effects);
                planner.registerRelease(h);
                held.add(h);
            }
            for (int i = 0; i < waiting; i++) {
                planner.decide(planner.newRequest(ALIGNMENT, ALIGNMENT, null), effects);
            }
            java.util.Collections.shuffle(held, new java.util.Random(42));
            releaseOrder = held;
            effects.allocated = 0;
        }
    }

    /**
     * Every release of the pressure state triggers, in random order: each completes one accepted
     * allocation (the oldest takes the freed slot, and the promise planned there moves to the slot
     * the oldest was planned in). Time per completed allocation = score / {@code waiting}.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public long pressureDrain(Pressure p) {
        for (Allocation<Void> h : p.releaseOrder) {
            p.planner.triggerRelease(h, p.effects);
        }
        if (p.effects.allocated != p.waiting) {
            throw new IllegalStateException("drained " + p.effects.allocated + " of " + p.waiting);
        }
        return p.effects.allocated;
    }

    @State(Scope.Thread)
    public static class Instances {
        Kairos kairos;
        Memory sys;
        List<RegionInstance> live;
        Rect[] rects;

        @Setup(Level.Trial)
        public void fill(Draws d) {
            kairos = KairosState.startRuntime();
            sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            rects = new Rect[DRAWS];
            for (int i = 0; i < DRAWS; i++) {
                rects[i] = Rect.of(0, d.sizes[i] / 8 - 1);
            }
            live = new ArrayList<>(d.live);
            for (int i = 0; i < d.live; i++) {
                live.add(RegionInstance.create(sys, rects[d.next()], FIELD, 1, Event.NO_EVENT));
            }
        }

        @TearDown(Level.Trial)
        public void destroyAll() {
            for (RegionInstance i : live) {
                i.destroy();
            }
            kairos.close();
        }
    }

    /** RegionInstance.create + destroy with no preconditions: both take effect before returning. */
    @Benchmark
    public RegionInstance createDestroy(Instances s, Draws d) {
        int i = d.next();
        RegionInstance fresh;
        if (d.live == 0) {
            fresh = RegionInstance.create(s.sys, s.rects[i], FIELD, 1, Event.NO_EVENT);
            fresh.destroy();
            return fresh;
        }
        int v = d.victims[i];
        s.live.get(v).destroy();
        fresh = RegionInstance.create(s.sys, s.rects[i], FIELD, 1, Event.NO_EVENT);
        s.live.set(v, fresh);
        return fresh;
    }
}
