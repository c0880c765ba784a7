package dev.kairos.cli.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.cli.Sizes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The instance allocator through the public API: {@code RegionInstance.create} and
 * {@code destroy} with no preconditions, so each call decides and frees at once on the calling
 * thread, and what is timed is the memory's bookkeeping (layout, planner, range allocator, events).
 */
@Command(name = "alloc",
        header = "Instance create + destroy pairs per second, on an empty memory and with many live instances; draining accepted allocations.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Create + destroy of small instances in SYSTEM memory through the public API (no preconditions, so both take "
                    + "effect at once on the calling thread). Sizes are random between --min-bytes and --max-bytes (one 8-byte "
                    + "field; multiples of 8). Cases:",
            "  empty      no pending releases: create an instance, destroy it, on an otherwise empty memory.",
            "  live=N     under fragmentation: N instances of random sizes stay live; each step destroys a random one (random "
                    + "free order) and creates one of a new random size. One row per N of --live: if the cost does not grow "
                    + "linearly with N, the rows stay close.",
            "  pressure=N N accepted allocations drained: the memory is full (one large instance and N one-slot instances of 64 "
                    + "bytes, each with a destroy gated on its own user event), N one-slot creates are all accepted (each "
                    + "counts on those destroys), then the N events trigger in random order. The figure is the time from the "
                    + "first trigger to the last ready() per completed allocation; it stays flat if draining costs O(N log N).",
            "The figure of empty and live=N is create + destroy pairs per second (one pair = two operations).",
            "",
            "Realm has no figure for this shape. Target: at least 5 M pairs/s with no pending releases, and no linear growth "
                    + "with the number of live instances.",
            ""
        })
final class AllocBench extends BenchCommand.Benchmark {
    private static final Map<Integer, Long> FIELD = Map.of(1, 8L);
    /** One slot of the pressure case: a cache line, SYSTEM memory's placement alignment. */
    private static final long SLOT = 64;
    private static final Unit MICROS_PER_ALLOCATION = new Unit("µs/allocation", false, Unit.Style.DECIMAL);

    @Option(names = "--ops", paramLabel = "N", description = "Create + destroy pairs per run. Default: ${DEFAULT-VALUE}.")
    int ops = 1_000_000;

    @Option(names = "--live", paramLabel = "N", split = ",",
            description = "Live instance counts of the fragmented cases. Default: 1000,10000,100000.")
    int[] live = {1_000, 10_000, 100_000};

    @Option(names = "--waiting", paramLabel = "N", split = ",",
            description = "Accepted allocations of the pressure cases. Default: 1000,10000,100000.")
    int[] waiting = {1_000, 10_000, 100_000};

    @Option(names = "--min-bytes", paramLabel = "SIZE", converter = Sizes.class, description = "Smallest instance. Default: 16.")
    long minBytes = 16;

    @Option(names = "--max-bytes", paramLabel = "SIZE", converter = Sizes.class, description = "Largest instance. Default: 4K.")
    long maxBytes = 4096;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random sizes and free order. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Override
    String title() {
        return "create + destroy of instances of " + minBytes + "-" + maxBytes + " bytes, empty and with many live";
    }

    @Override
    Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ops", ops);
        p.put("live", Arrays.stream(live).boxed().toList());
        p.put("waiting", Arrays.stream(waiting).boxed().toList());
        p.put("minBytes", minBytes);
        p.put("maxBytes", maxBytes);
        p.put("seed", seed);
        p.put("sysmem", config().systemMemory());
        return p;
    }

    @Override
    void checkParameters() {
        if (ops < 1) {
            throw bad("--ops=" + ops + " must be >= 1");
        }
        if (minBytes < 8 || maxBytes < minBytes) {
            throw bad("--min-bytes=" + minBytes + " --max-bytes=" + maxBytes + ": need 8 <= min <= max");
        }
        long capacity = config().systemMemory();
        if (maxBytes > capacity) {
            throw bad("--max-bytes=" + Sizes.describe(maxBytes) + " is more than --sysmem=" + Sizes.describe(capacity)
                    + "; raise --sysmem or lower --max-bytes");
        }
        for (int n : live) {
            if (n < 1) {
                throw bad("--live=" + n + " must be >= 1");
            }
            // Each instance is placed on a cache line (64 bytes), so it may take up to 63 bytes more.
            long worst = atMostMaxLong(n + 1L, maxBytes + 63);
            if (worst > capacity) {
                throw bad("--live=" + n + " does not fit: " + Sizes.group(n + 1L) + " x (" + Sizes.group(maxBytes) + " + 63) bytes = "
                        + Sizes.describe(worst) + " > --sysmem=" + Sizes.describe(capacity) + " (the live instances and one "
                        + "more, each of --max-bytes and its alignment); raise --sysmem or lower --max-bytes or --live");
            }
        }
        for (int n : waiting) {
            if (n < 1) {
                throw bad("--waiting=" + n + " must be >= 1");
            }
            if (n * SLOT >= capacity) {
                throw bad("--waiting=" + n + " leaves no room for the filler: " + Sizes.group(n) + " x " + SLOT + " bytes = "
                        + Sizes.describe(n * SLOT) + " >= --sysmem=" + Sizes.describe(capacity) + "; raise --sysmem or lower --waiting");
            }
        }
    }

    /** {@code count x each}, or {@link Long#MAX_VALUE} where the product is larger. */
    private static long atMostMaxLong(long count, long each) {
        return count > Long.MAX_VALUE / each ? Long.MAX_VALUE : count * each;
    }

    @Override
    void measure(Report report) throws Exception {
        Unit pairs = Unit.rate("pairs");
        try (Kairos kairos = startRuntime()) {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first()
                    .orElseThrow(() -> new IllegalStateException("the machine has no SYSTEM memory"));
            Steps steps = new Steps(ops, live, minBytes, maxBytes, seed);
            run(report, "empty", List.of(Metric.of("create+destroy", pairs).target(new Metric.Target(5e6))),
                    () -> new double[] {empty(sys, steps)});
            for (int n : live) {
                if (stopped("live=" + Sizes.group(n))) {
                    continue; // filling a live set that no run will use would only delay the table
                }
                List<RegionInstance> instances = fill(sys, n, steps);
                run(report, "live=" + Sizes.group(n), List.of(Metric.of("create+destroy", pairs)),
                        () -> new double[] {churn(sys, instances, steps)});
                for (RegionInstance i : instances) {
                    i.destroy();
                }
            }
            for (int n : waiting) {
                run(report, "pressure=" + Sizes.group(n), List.of(Metric.of("per completion", MICROS_PER_ALLOCATION)),
                        () -> new double[] {pressure(kairos, sys, n)});
            }
        }
        report.note("pairs/s: one pair is one create and one destroy; every instance is ready (and freed) before the call returns.");
        report.note("pressure: time from the first release to the last ready() of N accepted allocations, divided by N.");
    }

    /** The random choices of one run, drawn before timing so the generator is not measured. */
    private static final class Steps {
        final Rect[] rects;
        final int[][] victims;

        Steps(int ops, int[] live, long minBytes, long maxBytes, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            long minPoints = minBytes / 8;
            long maxPoints = maxBytes / 8;
            rects = new Rect[ops];
            for (int i = 0; i < ops; i++) {
                rects[i] = Rect.of(0, random.nextLong(minPoints, maxPoints + 1) - 1);
            }
            victims = new int[live.length][ops];
            for (int l = 0; l < live.length; l++) {
                for (int i = 0; i < ops; i++) {
                    victims[l][i] = random.nextInt(live[l]);
                }
            }
        }

        int[] victims(int liveCount, int[] live) {
            for (int l = 0; l < live.length; l++) {
                if (live[l] == liveCount) {
                    return victims[l];
                }
            }
            throw new IllegalArgumentException("no victims drawn for live=" + liveCount);
        }
    }

    private double empty(Memory sys, Steps steps) {
        Rect[] rects = steps.rects;
        long t0 = System.nanoTime();
        for (Rect r : rects) {
            RegionInstance.create(sys, r, FIELD, 1, Event.NO_EVENT).destroy();
        }
        long nanos = System.nanoTime() - t0;
        checkNoFailures(sys);
        return perSecond(rects.length, nanos);
    }

    /** {@code n} live instances of random sizes, then a churn of as many replacements, so free space is fragmented. */
    private List<RegionInstance> fill(Memory sys, int n, Steps steps) {
        List<RegionInstance> instances = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            instances.add(RegionInstance.create(sys, steps.rects[i % steps.rects.length], FIELD, 1, Event.NO_EVENT));
        }
        churn(sys, instances, steps);
        return instances;
    }

    private double churn(Memory sys, List<RegionInstance> instances, Steps steps) {
        Rect[] rects = steps.rects;
        int[] victims = steps.victims(instances.size(), live);
        long t0 = System.nanoTime();
        for (int i = 0; i < rects.length; i++) {
            int v = victims[i];
            instances.get(v).destroy();
            instances.set(v, RegionInstance.create(sys, rects[i], FIELD, 1, Event.NO_EVENT));
        }
        long nanos = System.nanoTime() - t0;
        checkNoFailures(sys);
        return perSecond(rects.length, nanos);
    }

    /**
     * N accepted allocations drained by N releases in random order (each release lets the oldest
     * waiting allocation complete in the slot it frees, and the promise planned there moves): the
     * microseconds from the first trigger to the last ready(), per completed allocation.
     */
    private double pressure(Kairos kairos, Memory sys, int n) {
        if (sys.used() != 0) {
            throw new IllegalStateException(sys + " is not empty before the pressure case: used=" + sys.used());
        }
        RegionInstance filler = RegionInstance.create(sys, Rect.of(0, (sys.capacity() - n * SLOT) / 8 - 1), FIELD, 1,
                Event.NO_EVENT);
        Rect slot = Rect.of(0, SLOT / 8 - 1);
        List<UserEvent> releases = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UserEvent release = kairos.createUserEvent();
            RegionInstance.create(sys, slot, FIELD, 1, Event.NO_EVENT).destroy(release);
            releases.add(release);
        }
        long deferredBefore = sys.stats().deferredAllocations();
        List<RegionInstance> accepted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            accepted.add(RegionInstance.create(sys, slot, FIELD, 1, Event.NO_EVENT));
        }
        if (sys.stats().deferredAllocations() - deferredBefore != n) {
            throw new IllegalStateException("only " + (sys.stats().deferredAllocations() - deferredBefore) + " of " + n
                    + " allocations were accepted in " + sys + ": the case measures nothing");
        }
        Collections.shuffle(releases, new Random(seed));
        long t0 = System.nanoTime();
        for (UserEvent release : releases) {
            release.trigger();
        }
        for (RegionInstance a : accepted) {
            a.ready().await();
        }
        long nanos = System.nanoTime() - t0;
        checkNoFailures(sys);
        Event.merge(accepted.stream().map(RegionInstance::destroy).toList()).await();
        filler.destroy().await();
        return nanos / 1e3 / n;
    }

    /** A refused allocation would be timed as a cheap one: such a run is not a measurement. */
    private static void checkNoFailures(Memory sys) {
        long failed = sys.stats().failedAllocations();
        if (failed > 0) {
            throw new IllegalStateException(failed + " allocation(s) in " + sys + " failed (fragmentation left no hole large "
                    + "enough): raise --sysmem or lower --max-bytes or --live");
        }
    }
}
