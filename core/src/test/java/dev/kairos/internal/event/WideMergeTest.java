package dev.kairos.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Merges of many inputs, whose waiters are packed into {@link MergeBlock}s and whose arrivals a
 * dispatcher may hold: dispatch order is registration order, depth first, as for single waiters;
 * and under concurrent registration and triggering every merge finishes exactly once, after all its
 * inputs, poisoned exactly when one of its inputs is (unless it ignores faults).
 */
class WideMergeTest {

    /** Records, in one shared list, the order in which its event told it. */
    private static final class Recorder extends Node {
        private final String name;
        private final List<String> log;

        Recorder(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            log.add(name);
        }
    }

    @Test
    void waitersRunInRegistrationOrderDepthFirstAcrossBlocksAndPlainWaiters() {
        UserEventImpl trigger = new UserEventImpl();
        List<UserEventImpl> others = new ArrayList<>();
        List<String> log = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i % 7 == 3) {
                trigger.addWaiter(new Recorder("plain " + i, log));
                expected.add("plain " + i);
                continue;
            }
            List<Event> inputs = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                UserEventImpl other = new UserEventImpl();
                others.add(other);
                inputs.add(other);
            }
            inputs.add(trigger);
            EventImpl merge = EventImpl.of(Event.merge(inputs));
            merge.addWaiter(new Recorder("merge " + i, log));
            merge.addWaiter(new Recorder("after merge " + i, log));
            expected.add("merge " + i);
            expected.add("after merge " + i);
        }
        others.forEach(UserEventImpl::trigger);
        assertThat(log).isEmpty();

        trigger.trigger();

        assertThat(log).containsExactlyElementsOf(expected);
    }

    @Test
    void aMergeCompletedByHeldArrivalsRunsItsWaitersBeforeTheNextWaiterOfTheEvent() {
        UserEventImpl trigger = new UserEventImpl();
        List<String> log = new ArrayList<>();
        List<Event> level = chainedTo(trigger, 8);
        EventImpl merge = EventImpl.of(Event.merge(level));
        merge.addWaiter(new Recorder("merge", log));
        trigger.addWaiter(new Recorder("last waiter of the trigger", log));

        trigger.trigger();

        assertThat(log).containsExactly("merge", "last waiter of the trigger");
    }

    @Test
    void aMergeWhoseLastInputArrivesOnAnotherThreadWhileItsHolderHoldsTheRestTriggersWhenTheyAreHandedOver() {
        UserEventImpl trigger = new UserEventImpl();
        UserEventImpl elsewhere = new UserEventImpl();
        List<Event> inputs = chainedTo(trigger, 4);
        inputs.add(elsewhere);
        Event merge = Event.merge(inputs); // created here: this thread's dispatcher holds its arrivals
        trigger.addWaiter(new Node() {
            @Override
            protected void onTrigger(EventImpl source, Poison poison) {
                // Inside this thread's dispatch loop, with the four chained arrivals held: the last
                // input arrives on another thread, atomically, and cannot finish the merge itself.
                Thread other = Thread.ofPlatform().start(elsewhere::trigger);
                try {
                    other.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                assertThat(merge.hasTriggered()).as("merge while its holder still holds four arrivals").isFalse();
            }
        });

        trigger.trigger();

        assertThat(merge.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void aPoisonedInputPoisonsTheWideMergeAtOnceAndOneIgnoringFaultsStillWaitsForTheRest() {
        UserEventImpl trigger = new UserEventImpl();
        UserEventImpl late = new UserEventImpl();
        List<Event> inputs = chainedTo(trigger, 6);
        inputs.add(late);
        Event merge = Event.merge(inputs);
        Event ignoring = Event.mergeIgnoringFaults(inputs);

        trigger.cancel();

        assertThat(merge.isPoisoned()).isTrue();
        assertThat(ignoring.hasTriggered()).isFalse();
        late.trigger();
        assertThat(ignoring.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void aSlotReservedButNotFilledWhenTheEventTriggersIsTakenAndItsAdderToldToTellTheMergeItself() {
        Merges.MergeEvent first = new Merges.MergeEvent(2, false);
        Merges.MergeEvent late = new Merges.MergeEvent(2, false);
        MergeBlock block = new MergeBlock(4, first);
        int slot = block.reserve();

        block.close();

        assertThat(block.size).isEqualTo(2);
        assertThat(block.take(0)).isSameAs(first);
        assertThat(block.take(slot)).as("the reserved, unfilled slot").isNull();
        assertThat(block.fill(slot, late)).as("the adder's fill after the take").isFalse();
        assertThat(block.reserve()).isEqualTo(MergeBlock.CLOSED);
        assertThat(block.tryAdd(late)).isEqualTo(MergeBlock.Added.CLOSED);
    }

    @Test
    void aFullBlockRefusesMoreMerges() {
        MergeBlock block = new MergeBlock(2, new Merges.MergeEvent(2, false));
        assertThat(block.tryAdd(new Merges.MergeEvent(2, false))).isEqualTo(MergeBlock.Added.ADDED);
        assertThat(block.tryAdd(new Merges.MergeEvent(2, false))).isEqualTo(MergeBlock.Added.FULL);
        assertThat(block.reserve()).isEqualTo(MergeBlock.FULL);
    }

    /**
     * One thread registers merges on an event while another triggers it: a merge whose slot was
     * reserved when the trigger took the block is still told, by its own registration.
     */
    @Test
    void mergesRegisteredWhileTheirEventTriggersAllFinish() throws InterruptedException {
        for (int round = 0; round < 3_000; round++) {
            UserEventImpl event = new UserEventImpl();
            UserEventImpl other = new UserEventImpl();
            List<Event> merges = new ArrayList<>();
            Thread registrar = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 24; i++) {
                    merges.add(Event.merge(List.of(event, other)));
                }
            });
            Thread.onSpinWait();
            event.trigger();
            registrar.join();
            other.trigger();
            for (Event merge : merges) {
                assertThat(merge.hasTriggered()).as("round %d: every merge finished", round).isTrue();
            }
        }
    }

    /**
     * Threads build merges over a shared pool of user events while they and other threads trigger
     * and cancel them, some directly and some through chains (so arrivals come from dispatch loops
     * on several threads at once, held by the merge's own thread or counted atomically by others,
     * racing with registration).
     */
    @Property(tries = 60)
    void concurrentRegistrationAndTriggeringFinishEveryMergeOnceAfterAllItsInputs(
            @ForAll long seed, @ForAll @IntRange(min = 8, max = 120) int pool, @ForAll @IntRange(min = 1, max = 3) int triggerThreads)
            throws InterruptedException {
        Random random = new Random(seed);
        int builders = 2;
        int mergesPerBuilder = 40;
        UserEventImpl[] inputs = new UserEventImpl[pool];
        boolean[] cancelled = new boolean[pool];
        for (int i = 0; i < pool; i++) {
            inputs[i] = new UserEventImpl();
            cancelled[i] = random.nextInt(10) == 0;
        }
        int[][][] chosen = new int[builders][mergesPerBuilder][];
        boolean[][] ignoring = new boolean[builders][mergesPerBuilder];
        for (int b = 0; b < builders; b++) {
            for (int m = 0; m < mergesPerBuilder; m++) {
                chosen[b][m] = random.ints(4 + random.nextInt(Math.min(pool, 40) - 3), 0, pool).distinct().toArray();
                ignoring[b][m] = random.nextBoolean();
            }
        }
        // A chained input is triggered by the one before it, on whichever thread finishes that one.
        boolean[] chained = new boolean[pool];
        for (int i = 1; i < pool; i++) {
            chained[i] = random.nextInt(3) == 0;
        }
        for (int i = 1; i < pool; i++) {
            if (chained[i]) {
                inputs[i].trigger(inputs[i - 1]);
            }
        }

        Event[][] merges = new Event[builders][mergesPerBuilder];
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < pool; i++) {
            if (!chained[i]) {
                roots.add(i);
            }
        }
        Collections.shuffle(roots, random);
        // Builders trigger a share of the roots too, between merges: a merge's own thread then
        // dispatches some of its arrivals (held, without atomics) while other threads dispatch others.
        int finishers = builders + triggerThreads;
        IntConsumer finishShare = thread -> {
            for (int r = thread; r < roots.size(); r += finishers) {
                int i = roots.get(r);
                if (cancelled[i]) {
                    inputs[i].cancel();
                } else {
                    inputs[i].trigger();
                }
            }
        };
        AtomicIntegerArray told = new AtomicIntegerArray(builders * mergesPerBuilder);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int b = 0; b < builders; b++) {
            int builder = b;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int m = 0; m < mergesPerBuilder; m++) {
                    List<Event> in = new ArrayList<>();
                    for (int k : chosen[builder][m]) {
                        in.add(inputs[k]);
                    }
                    if (m == mergesPerBuilder / 2) {
                        finishShare.accept(builder);
                    }
                    Event merge = ignoring[builder][m] ? Event.mergeIgnoringFaults(in) : Event.merge(in);
                    merges[builder][m] = merge;
                    int index = builder * mergesPerBuilder + m;
                    boolean ignores = ignoring[builder][m];
                    EventImpl.of(merge).whenTriggered(new Node() {
                        @Override
                        protected void onTrigger(EventImpl source, Poison poison) {
                            told.incrementAndGet(index);
                            for (Event e : in) {
                                if (!e.hasTriggered() && (poison == null || ignores)) {
                                    violations.add("merge " + index + " finished while input " + e + " was pending");
                                }
                            }
                        }
                    });
                }
            }));
        }
        for (int t = builders; t < finishers; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                finishShare.accept(thread);
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        boolean[] poisoned = new boolean[pool];
        for (int i = 0; i < pool; i++) {
            poisoned[i] = chained[i] ? poisoned[i - 1] : cancelled[i];
        }
        for (int b = 0; b < builders; b++) {
            for (int m = 0; m < mergesPerBuilder; m++) {
                Event merge = merges[b][m];
                assertThat(merge.await(Duration.ofSeconds(10))).as("merge %d/%d", b, m).isNotEqualTo(Event.Status.PENDING);
                boolean anyPoisoned = false;
                for (int k : chosen[b][m]) {
                    anyPoisoned |= poisoned[k];
                }
                assertThat(merge.isPoisoned()).as("merge %d/%d poisoned", b, m).isEqualTo(anyPoisoned && !ignoring[b][m]);
                assertThat(told.get(b * mergesPerBuilder + m)).as("waiter of merge %d/%d told", b, m).isEqualTo(1);
            }
        }
        assertThat(violations).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} user events, each triggered by {@code trigger} (through {@code trigger(waitOn)}). */
    private static List<Event> chainedTo(UserEventImpl trigger, int count) {
        List<Event> chained = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UserEventImpl event = new UserEventImpl();
            event.trigger(trigger);
            chained.add(event);
        }
        return chained;
    }
}
