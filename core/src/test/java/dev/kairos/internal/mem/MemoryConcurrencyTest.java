package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.testing.InProcessTestBackend;
import dev.kairos.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Many threads creating and destroying in one small memory, with random preconditions (none, user
 * events triggered or cancelled by other threads, other instances' ready events): whatever the
 * interleaving, once every event has resolved and every instance is destroyed, nothing is in use
 * and the planner's invariants hold. The random choices come from one seed, printed when the test
 * fails and given back with {@code -Dkairos.seed=...}; the interleaving itself cannot be replayed.
 */
class MemoryConcurrencyTest {
    private static final int THREADS = 4;
    private static final int OPERATIONS = 500;

    @RepeatedTest(3)
    void concurrentCreatesAndDestroysLeaveNothingBehind() throws Exception {
        String given = System.getProperty(PropertyCheck.SEED_PROPERTY);
        long base = given == null ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(given.replaceFirst("^0[xX]", ""), 16);
        try {
            run(base);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("failed with seed 0x" + Long.toHexString(base) + " (re-run its random choices with -D"
                    + PropertyCheck.SEED_PROPERTY + "=0x" + Long.toHexString(base) + "): " + e.getMessage(), e);
        }
    }

    private static void run(long base) throws Exception {
        KairosConfig config = KairosConfig.builder().cpuProcessors(1).systemMemory(64 << 10).build();
        try (Kairos kairos = InProcessTestBackend.start(config)) {
            Memory memory = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            List<UserEvent> events = Collections.synchronizedList(new ArrayList<>());
            List<RegionInstance> instances = Collections.synchronizedList(new ArrayList<>());
            List<Destroyed> destroys = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = base + t * 7919L;
                threads.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    awaitQuietly(go);
                    for (int i = 0; i < OPERATIONS; i++) {
                        UserEvent mine = kairos.createUserEvent();
                        events.add(mine);
                        Event createAfter = pick(random, events, instances, mine);
                        long points = 32L * (1 + random.nextInt(8));
                        RegionInstance inst = RegionInstance.create(memory, Rect.of(0, points - 1), Map.of(1, 8L), 1, createAfter);
                        instances.add(inst);
                        Event destroyAfter = random.nextBoolean() ? inst.ready() : pick(random, events, instances, mine);
                        destroys.add(new Destroyed(inst, inst.destroy(destroyAfter)));
                        resolveSome(random, events);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            synchronized (events) {
                for (UserEvent e : events) {
                    if (!e.hasTriggered()) {
                        e.trigger();
                    }
                }
            }
            for (Destroyed d : destroys) {
                d.event().await(java.time.Duration.ofSeconds(30));
                if (d.event().isPoisoned()) {
                    d.instance().destroy().await(); // a cancelled destroy leaves the instance to destroy again
                }
            }
            for (RegionInstance inst : instances) {
                assertThat(inst.ready().hasTriggered()).as("%s resolved", inst).isTrue();
            }
            assertThat(memory.used()).isZero();
            assertThat(memory.stats().liveInstances()).isZero();
            ((MemoryImpl) memory).checkInvariants();
        }
    }

    private record Destroyed(RegionInstance instance, Event event) {}

    /** A precondition: none, a user event (possibly this thread's own, resolved later), or an instance's ready. */
    private static Event pick(SplittableRandom random, List<UserEvent> events, List<RegionInstance> instances, UserEvent mine) {
        return switch (random.nextInt(4)) {
            case 0 -> Event.NO_EVENT;
            case 1 -> mine;
            case 2 -> {
                synchronized (events) {
                    yield events.get(random.nextInt(events.size()));
                }
            }
            default -> {
                synchronized (instances) {
                    yield instances.isEmpty() ? Event.NO_EVENT : instances.get(random.nextInt(instances.size())).ready();
                }
            }
        };
    }

    /** Triggers or cancels a few random user events, as other parts of a program would. */
    private static void resolveSome(SplittableRandom random, List<UserEvent> events) {
        for (int k = 0; k < 2; k++) {
            UserEvent e;
            synchronized (events) {
                e = events.get(random.nextInt(events.size()));
            }
            try {
                if (random.nextInt(8) == 0) {
                    e.cancel();
                } else {
                    e.trigger();
                }
            } catch (IllegalStateException alreadyResolved) {
                // another thread resolved it first: exactly what a racing program may do
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
