package dev.kairos.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.testing.PropertyCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Merges of many inputs, whose waiters are packed into {@link MergeBlock}s and whose arrivals a
 * dispatcher may hold: dispatch order is registration order, depth first, as for single waiters;
 * and under concurrent registration and triggering every merge finishes exactly once, after all its
 * inputs, poisoned exactly when one of its inputs is (unless it ignores faults).
 */
class WideMergeTest {

    /** Tries of the concurrent property; {@code -Dkairos.wideMergeTries=5000} searches longer. */
    private static final int TRIES = Integer.getInteger("kairos.wideMergeTries", 60);

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
        assertThat(block.reserve()).as("a closed block looks full").isEqualTo(MergeBlock.NO_SLOT);
        assertThat(block.withMerge(late)).as("a new block, whose push fails on the triggered event").isNotSameAs(block);
    }

    @Test
    void aMergeJoinsTheBlockOnTopUntilItIsFullThenStartsANewOne() {
        MergeBlock block = new MergeBlock(2, new Merges.MergeEvent(2, false));
        assertThat(block.withMerge(new Merges.MergeEvent(2, false))).as("room: taken in").isSameAs(block);
        assertThat(block.reserve()).isEqualTo(MergeBlock.NO_SLOT);
        assertThat(block.withMerge(new Merges.MergeEvent(2, false))).as("full: a new block to push").isInstanceOf(MergeBlock.class).isNotSameAs(block);
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

    /** One merge of a {@link Plan}: the pool indices of its inputs, and whether it ignores faults. */
    record MergeSpec(int[] inputs, boolean ignoresFaults) {
        @Override
        public String toString() {
            return (ignoresFaults ? "ignoring" : "merge") + Arrays.toString(inputs);
        }
    }

    /**
     * A case of the concurrent property: a pool of user events (some cancelled, some chained to the
     * one before), the merges each builder thread makes over them, the order in which the roots
     * (the inputs not chained) are finished, and how many threads beside the builders finish them.
     */
    record Plan(int triggerThreads, boolean[] cancelled, boolean[] chained, List<List<MergeSpec>> builders, List<Integer> roots) {
        int pool() {
            return cancelled.length;
        }

        static Plan generate(SplittableRandom random) {
            int pool = random.nextInt(8, 121);
            int triggerThreads = random.nextInt(1, 4);
            boolean[] cancelled = new boolean[pool];
            boolean[] chained = new boolean[pool];
            for (int i = 0; i < pool; i++) {
                cancelled[i] = random.nextInt(10) == 0;
                chained[i] = i > 0 && random.nextInt(3) == 0; // triggered by the one before it
            }
            List<List<MergeSpec>> builders = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                List<MergeSpec> merges = new ArrayList<>();
                for (int m = 0; m < 40; m++) {
                    int[] inputs = random.ints(4 + random.nextInt(Math.min(pool, 40) - 3), 0, pool).distinct().toArray();
                    merges.add(new MergeSpec(inputs, random.nextBoolean()));
                }
                builders.add(merges);
            }
            List<Integer> roots = new ArrayList<>();
            for (int i = 0; i < pool; i++) {
                if (!chained[i]) {
                    roots.add(i);
                }
            }
            for (int i = roots.size() - 1; i > 0; i--) {
                Collections.swap(roots, i, random.nextInt(i + 1));
            }
            return new Plan(triggerThreads, cancelled, chained, builders, roots);
        }

        /** Fewer merges (a half, a quarter, ... of one builder's), then fewer finishing threads. */
        List<Plan> smaller() {
            List<Plan> smaller = new ArrayList<>();
            for (int b = 0; b < builders.size(); b++) {
                int builder = b;
                for (List<MergeSpec> fewer : PropertyCheck.<MergeSpec>dropElements().candidates(builders.get(b))) {
                    List<List<MergeSpec>> changed = new ArrayList<>(builders);
                    changed.set(builder, fewer);
                    smaller.add(new Plan(triggerThreads, cancelled, chained, changed, roots));
                }
            }
            if (triggerThreads > 1) {
                smaller.add(new Plan(triggerThreads - 1, cancelled, chained, builders, roots));
            }
            return smaller;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("pool=" + pool() + " triggerThreads=" + triggerThreads + "\n  cancelled=");
            for (int i = 0; i < pool(); i++) {
                text.append(cancelled[i] ? "x" : ".");
            }
            text.append("\n  chained=  ");
            for (int i = 0; i < pool(); i++) {
                text.append(chained[i] ? "c" : ".");
            }
            for (int b = 0; b < builders.size(); b++) {
                text.append("\n  builder ").append(b).append(": ").append(builders.get(b));
            }
            return text.append("\n  root order: ").append(roots).toString();
        }
    }

    /**
     * Threads build merges over a shared pool of user events while they and other threads trigger
     * and cancel them, some directly and some through chains (so arrivals come from dispatch loops
     * on several threads at once, held by the merge's own thread or counted atomically by others,
     * racing with registration).
     */
    @Test
    void concurrentRegistrationAndTriggeringFinishEveryMergeOnceAfterAllItsInputs() {
        PropertyCheck.forAll("WideMergeTest#concurrentRegistrationAndTriggeringFinishEveryMergeOnceAfterAllItsInputs", Plan::generate)
                .tries(TRIES)
                .shrinkWith(Plan::smaller)
                .check(WideMergeTest::everyMergeFinishesOnceAfterAllItsInputs);
    }

    private static void everyMergeFinishesOnceAfterAllItsInputs(Plan plan) throws InterruptedException {
        int pool = plan.pool();
        int builders = plan.builders().size();
        UserEventImpl[] inputs = new UserEventImpl[pool];
        for (int i = 0; i < pool; i++) {
            inputs[i] = new UserEventImpl();
        }
        for (int i = 1; i < pool; i++) {
            if (plan.chained()[i]) {
                inputs[i].trigger(inputs[i - 1]);
            }
        }
        List<Integer> roots = plan.roots();
        // Builders finish a share of the roots too, between merges: a merge's own thread then
        // dispatches some of its arrivals (held, without atomics) while other threads dispatch others.
        int finishers = builders + plan.triggerThreads();
        IntConsumer finishShare = thread -> {
            for (int r = thread; r < roots.size(); r += finishers) {
                int i = roots.get(r);
                if (plan.cancelled()[i]) {
                    inputs[i].cancel();
                } else {
                    inputs[i].trigger();
                }
            }
        };
        Event[][] merges = new Event[builders][];
        AtomicIntegerArray[] told = new AtomicIntegerArray[builders];
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int b = 0; b < builders; b++) {
            int builder = b;
            List<MergeSpec> specs = plan.builders().get(b);
            merges[b] = new Event[specs.size()];
            told[b] = new AtomicIntegerArray(specs.size());
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                if (specs.isEmpty()) {
                    finishShare.accept(builder);
                }
                for (int m = 0; m < specs.size(); m++) {
                    MergeSpec spec = specs.get(m);
                    List<Event> in = new ArrayList<>();
                    for (int k : spec.inputs()) {
                        in.add(inputs[k]);
                    }
                    if (m == specs.size() / 2) {
                        finishShare.accept(builder);
                    }
                    Event merge = spec.ignoresFaults() ? Event.mergeIgnoringFaults(in) : Event.merge(in);
                    merges[builder][m] = merge;
                    int index = m;
                    EventImpl.of(merge).whenTriggered(new Node() {
                        @Override
                        protected void onTrigger(EventImpl source, Poison poison) {
                            told[builder].incrementAndGet(index);
                            for (Event e : in) {
                                if (!e.hasTriggered() && (poison == null || spec.ignoresFaults())) {
                                    violations.add("merge " + builder + "/" + index + " finished while input " + e + " was pending");
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
            poisoned[i] = plan.chained()[i] ? poisoned[i - 1] : plan.cancelled()[i];
        }
        for (int b = 0; b < builders; b++) {
            for (int m = 0; m < merges[b].length; m++) {
                MergeSpec spec = plan.builders().get(b).get(m);
                Event merge = merges[b][m];
                assertThat(merge.await(Duration.ofSeconds(10))).as("merge %d/%d %s", b, m, spec).isNotEqualTo(Event.Status.PENDING);
                boolean anyPoisoned = false;
                for (int k : spec.inputs()) {
                    anyPoisoned |= poisoned[k];
                }
                assertThat(merge.isPoisoned()).as("merge %d/%d %s poisoned", b, m, spec).isEqualTo(anyPoisoned && !spec.ignoresFaults());
                assertThat(told[b].get(m)).as("waiter of merge %d/%d told", b, m).isEqualTo(1);
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
