package dev.kairos.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.InstanceAllocResult;
import dev.kairos.InstanceAllocationException;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.internal.mem.MemoryImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A scripted deferred-allocation scenario in a tiny language, with sizes in equal buckets:
 *
 * {@snippet :
 * AllocationScenario.named("E1").capacity(2)
 *         .allocate("A", 1).allocate("B", 1).expectReady("A", "B")
 *         .destroyAfter("A", "X")
 *         .allocate("C", 1).expectAccepted("C")
 *         .allocate("D", 1).expectFailed("D")
 *         .trigger("X").expectReady("C");
 * }
 *
 * Instances are named with capitals, user events with anything else. A script runs against one
 * memory of a fresh runtime whose managed memories all hold exactly {@code capacity} buckets, and
 * checks the memory's invariants after every step.
 */
public final class AllocationScenario {
    /** Bytes of one bucket: a multiple of every memory's placement alignment. */
    public static final long BUCKET = 4096;
    private static final Duration SHORT_WAIT = Duration.ofMillis(20);
    private static final Duration LONG_WAIT = Duration.ofSeconds(10);

    private final String name;
    private long capacity = 1;
    private boolean pressureDeferral = true;
    private final List<Step> steps = new ArrayList<>();

    private AllocationScenario(String name) {
        this.name = name;
    }

    public static AllocationScenario named(String name) {
        return new AllocationScenario(name);
    }

    public String name() {
        return name;
    }

    /** The memory holds exactly {@code buckets} buckets. */
    public AllocationScenario capacity(long buckets) {
        this.capacity = buckets;
        return this;
    }

    /** Runs with Realm's {@code -ll:defalloc 0}: what does not fit now fails at once. */
    public AllocationScenario withoutPressureDeferral() {
        this.pressureDeferral = false;
        return this;
    }

    /** The runtime configuration a script needs: every managed memory sized to its capacity. */
    public KairosConfig config() {
        long bytes = capacity * BUCKET;
        return KairosConfig.builder().cpuProcessors(1).systemMemory(bytes).gpuFramebufferMemory(bytes)
                .zeroCopyMemory(bytes).deferredAllocation(pressureDeferral).build();
    }

    // ---------------------------------------------------------------- steps

    private interface Step {
        void run(Run run);

        String describe();
    }

    private AllocationScenario step(String description, java.util.function.Consumer<Run> action) {
        steps.add(new Step() {
            @Override
            public void run(Run run) {
                action.accept(run);
            }

            @Override
            public String describe() {
                return description;
            }
        });
        return this;
    }

    /** Creates instance {@code inst} of {@code buckets} buckets with no precondition: decided at once. */
    public AllocationScenario allocate(String inst, long buckets) {
        return step("allocate " + inst + "(" + buckets + ")", r -> r.create(inst, buckets, Event.NO_EVENT));
    }

    /** Creates instance {@code inst} whose allocation waits for user event {@code event}. */
    public AllocationScenario allocateAfter(String inst, long buckets, String event) {
        return step("allocate " + inst + "(" + buckets + ") after " + event, r -> r.create(inst, buckets, r.event(event)));
    }

    /** Destroys {@code inst} once user event {@code event} triggers. */
    public AllocationScenario destroyAfter(String inst, String event) {
        return step("destroy " + inst + " after " + event, r -> r.destroys.put(inst, r.instance(inst).destroy(r.event(event))));
    }

    /** Destroys {@code inst} now. */
    public AllocationScenario destroy(String inst) {
        return step("destroy " + inst, r -> r.destroys.put(inst, r.instance(inst).destroy()));
    }

    public AllocationScenario trigger(String event) {
        return step("trigger " + event, r -> r.event(event).trigger());
    }

    public AllocationScenario cancel(String event) {
        return step("cancel " + event, r -> r.event(event).cancel());
    }

    /** Any custom step, e.g. a loop of many operations. */
    public AllocationScenario then(String description, java.util.function.Consumer<Run> action) {
        return step(description, action);
    }

    public AllocationScenario expectReady(String... insts) {
        return step("expect ready " + String.join(",", insts), r -> {
            for (String i : insts) {
                assertThat(r.instance(i).ready().await(LONG_WAIT)).as("%s ready", i).isEqualTo(Event.Status.TRIGGERED);
            }
        });
    }

    /** Not ready, and its memory has promised it a place (an {@link InstanceAllocResult} of success came first). */
    public AllocationScenario expectAccepted(String... insts) {
        return step("expect accepted " + String.join(",", insts), r -> {
            for (String i : insts) {
                assertThat(r.allocResult(i, true)).as("%s alloc result", i).isTrue();
                assertThat(r.instance(i).ready().await(SHORT_WAIT)).as("%s not ready yet", i).isEqualTo(Event.Status.PENDING);
            }
        });
    }

    /** Not ready within a short wait (no decision asked of it yet, or accepted). */
    public AllocationScenario expectNotReady(String... insts) {
        return step("expect not ready " + String.join(",", insts), r -> {
            for (String i : insts) {
                assertThat(r.instance(i).ready().await(SHORT_WAIT)).as("%s not ready", i).isEqualTo(Event.Status.PENDING);
            }
        });
    }

    /** The allocation failed: ready() poisoned with an out-of-memory error whose message contains every fragment. */
    public AllocationScenario expectFailed(String inst, String... messageFragments) {
        return step("expect failed " + inst, r -> {
            Event ready = r.instance(inst).ready();
            assertThat(ready.await(LONG_WAIT)).as("%s failed", inst).isEqualTo(Event.Status.POISONED);
            Throwable cause = ready.failure().orElseThrow();
            assertThat(cause).as("%s failure", inst).isInstanceOf(InstanceAllocationException.class);
            assertThat(cause.getMessage()).contains(r.memory.toString()).contains(messageFragments);
            assertThat(r.allocResult(inst, false)).as("%s last alloc result", inst).isFalse();
        });
    }

    /** The create's precondition was poisoned: ready() poisoned, not by an allocation failure. */
    public AllocationScenario expectCancelled(String inst) {
        return step("expect cancelled " + inst, r -> {
            Event ready = r.instance(inst).ready();
            assertThat(ready.await(LONG_WAIT)).isEqualTo(Event.Status.POISONED);
            assertThat(ready.failure().orElseThrow()).isNotInstanceOf(InstanceAllocationException.class);
        });
    }

    /** The destroy of {@code inst} has taken effect (its event triggered). */
    public AllocationScenario expectDestroyed(String inst) {
        return step("expect destroyed " + inst, r -> assertThat(r.destroys.get(inst).await(LONG_WAIT))
                .as("destroy of %s", inst).isEqualTo(Event.Status.TRIGGERED));
    }

    /** The destroy of {@code inst} was cancelled (its precondition was poisoned). */
    public AllocationScenario expectDestroyCancelled(String inst) {
        return step("expect destroy cancelled " + inst, r -> assertThat(r.destroys.get(inst).await(LONG_WAIT))
                .as("destroy of %s", inst).isEqualTo(Event.Status.POISONED));
    }

    /** The instance holds its bytes starting at bucket {@code bucket} of its memory. */
    public AllocationScenario expectPlacedAt(String inst, long bucket) {
        return step("expect " + inst + " at bucket " + bucket, r -> assertThat(MemoryImpl.offsetOf(r.instance(inst)))
                .as("offset of %s", inst).isEqualTo(bucket * BUCKET));
    }

    /** Bytes in use, in buckets. */
    public AllocationScenario expectUsed(long buckets) {
        return step("expect used " + buckets, r -> assertThat(r.memory.used()).as("used bytes").isEqualTo(buckets * BUCKET));
    }

    public AllocationScenario expectPeak(long buckets) {
        return step("expect peak " + buckets, r -> assertThat(r.memory.peakUsed()).as("peak bytes").isEqualTo(buckets * BUCKET));
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the script on the first memory of {@code kind} of a runtime that {@code start} makes
     * from {@link #config()}; fails with the step that broke.
     */
    public void runOn(MemoryKind kind, Function<KairosConfig, Kairos> start) {
        try (Kairos kairos = start.apply(config())) {
            Memory memory = kairos.machine().memories().kind(kind).first()
                    .orElseThrow(() -> new AssertionError("the machine has no " + kind + " memory"));
            Run run = new Run(kairos, memory);
            try {
                for (int i = 0; i < steps.size(); i++) {
                    Step step = steps.get(i);
                    try {
                        step.run(run);
                        ((MemoryImpl) memory).checkInvariants();
                    } catch (AssertionError | RuntimeException e) {
                        throw new AssertionError(name + " on " + memory + ", step " + (i + 1) + " (" + step.describe() + "): "
                                + e.getMessage(), e);
                    }
                }
            } finally {
                run.releaseEverything(); // even after a failed step: close() waits for every pending operation
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The state of one script run: its named instances, events and destroys. */
    public static final class Run {
        final Kairos kairos;
        final Memory memory;
        private final Map<String, RegionInstance> instances = new HashMap<>();
        private final Map<String, UserEvent> events = new HashMap<>();
        final Map<String, Event> destroys = new HashMap<>();
        private final Map<RegionInstance, Boolean> allocResults = new ConcurrentHashMap<>();
        private final ProfilingRequestSet profiling;

        Run(Kairos kairos, Memory memory) {
            this.kairos = kairos;
            this.memory = memory;
            this.profiling = ProfilingRequestSet.builder()
                    .measure(InstanceAllocResult.class)
                    .onResponse(r -> r.get(InstanceAllocResult.class)
                            .ifPresent(a -> allocResults.put((RegionInstance) r.subject(), a.success())))
                    .build();
        }

        public Kairos kairos() {
            return kairos;
        }

        public Memory memory() {
            return memory;
        }

        /** Creates an instance of {@code buckets} buckets (512 points of one 8-byte field per bucket). */
        public RegionInstance create(String inst, long buckets, Event waitOn) {
            RegionInstance created = RegionInstance.create(memory, Rect.of(0, buckets * (BUCKET / 8) - 1), Map.of(1, 8L), 1,
                    profiling, waitOn);
            if (inst != null) {
                instances.put(inst, created);
            }
            return created;
        }

        public RegionInstance instance(String inst) {
            RegionInstance i = instances.get(inst);
            if (i == null) {
                throw new IllegalStateException("no instance named " + inst + " in this script");
            }
            return i;
        }

        public UserEvent event(String event) {
            return events.computeIfAbsent(event, e -> kairos.createUserEvent());
        }

        /** The latest allocation result of {@code inst}, once it is {@code expected} or the wait is over. */
        boolean allocResult(String inst, boolean expected) {
            RegionInstance i = instance(inst);
            long deadline = System.nanoTime() + LONG_WAIT.toNanos();
            while (!Boolean.valueOf(expected).equals(allocResults.get(i)) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // responses arrive on the utility processor
            }
            Boolean result = allocResults.get(i);
            if (result == null) {
                throw new AssertionError("no InstanceAllocResult for " + inst + " within " + LONG_WAIT);
            }
            return result;
        }

        /** Lets the runtime close: triggers every event still pending and destroys what is left. */
        void releaseEverything() {
            events.values().forEach(e -> {
                if (!e.hasTriggered()) {
                    e.trigger();
                }
            });
            instances.forEach((n, i) -> {
                Event d = destroys.get(n);
                if (d == null || d.isPoisoned()) {
                    i.destroy();
                }
            });
        }
    }
}
