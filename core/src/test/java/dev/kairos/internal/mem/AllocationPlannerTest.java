package dev.kairos.internal.mem;

import static dev.kairos.internal.mem.Allocation.Phase.FAILED_DOES_NOT_FIT_NOW;
import static dev.kairos.internal.mem.Allocation.Phase.FAILED_NEVER_FITS;
import static dev.kairos.internal.mem.Allocation.Phase.LIVE;
import static dev.kairos.internal.mem.Allocation.Phase.PROMISED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.internal.mem.Allocation.Phase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/DEFERRED_ALLOCATION.md, one memory at a time. Capacities are counted in buckets
 * of one tutorial instance (1 398 112 bytes); effects are written with offsets in buckets.
 */
class AllocationPlannerTest {

    private static final long BUCKET = 1_398_112;
    private static final long ALIGNMENT = 16;

    /** A {@code destroy} call: its precondition is triggered or poisoned later. */
    private record Destroy(Allocation<String> of) {}

    private final List<String> effects = new ArrayList<>();
    private final AllocationPlanner.Effects<String> out = new AllocationPlanner.Effects<>() {
        @Override
        public void allocated(Allocation<String> a) {
            effects.add("allocated " + a.owner() + "@" + a.offset() / BUCKET);
        }

        @Override
        public void failed(Allocation<String> a) {
            effects.add("failed " + a.owner() + " " + a.phase().reason());
        }

        @Override
        public void released(Allocation<String> a, boolean heldBytes) {
            effects.add("released " + a.owner());
        }
    };

    private AllocationPlanner<String> planner;

    @AfterEach
    void invariantsHold() {
        planner.checkInvariants();
    }

    // ---- a tiny language for scenarios --------------------------------------------------------

    private void memoryOf(int buckets) {
        planner = new AllocationPlanner<>(buckets * BUCKET, true);
    }

    private void memoryWithoutDeferralOf(int buckets) {
        planner = new AllocationPlanner<>(buckets * BUCKET, false);
    }

    /** {@code create} with a precondition that has not triggered yet. */
    private Allocation<String> create(String name, int buckets) {
        return planner.newRequest(buckets * BUCKET, ALIGNMENT, name);
    }

    /** The create's precondition triggers. */
    private Phase trigger(Allocation<String> a) {
        return planner.decide(a, out);
    }

    /** {@code create} without precondition: decided on the spot. */
    private Phase createNow(Allocation<String> a) {
        return trigger(a);
    }

    private Allocation<String> allocated(String name, int buckets) {
        Allocation<String> a = create(name, buckets);
        assertThat(createNow(a)).isEqualTo(LIVE);
        return a;
    }

    /** {@code destroy} whose precondition has not triggered yet. */
    private Destroy destroy(Allocation<String> a) {
        planner.registerRelease(a);
        return new Destroy(a);
    }

    private void trigger(Destroy d) {
        planner.triggerRelease(d.of(), out);
    }

    private void poison(Destroy d) {
        planner.cancelRelease(d.of(), out);
    }

    private void poison(Allocation<String> a) {
        planner.cancel(a, out);
    }

    /** The effects reported since the last look. */
    private List<String> effects() {
        List<String> seen = List.copyOf(effects);
        effects.clear();
        return seen;
    }

    private static long bucketOf(long offset) {
        return offset / BUCKET;
    }

    // ---- the worked examples ------------------------------------------------------------------

    @Nested
    class WorkedExamples {

        @Test
        void e1_aRequestCountsOnAnEarlierReleaseAndTheNextOneFindsNothingLeft() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Destroy x = destroy(a);
            Allocation<String> c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(PROMISED);
            assertThat(bucketOf(c.plannedOffset())).isZero();
            Allocation<String> d = create("D", 1);
            assertThat(createNow(d)).isEqualTo(FAILED_NEVER_FITS);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated C@0");
            assertThat(c.phase()).isEqualTo(LIVE);
            assertThat(c.accepted()).isTrue();
        }

        @Test
        void e2_aRequestLargerThanAllPendingReleasesFailsAtOnce() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Allocation<String> c = create("C", 2);
            assertThat(createNow(c)).isEqualTo(FAILED_NEVER_FITS);
        }

        @Test
        void e3_aCancelledReleaseFailsTheRequestThatCountedOnItAndKeepsTheInstance() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Destroy x = destroy(a);
            Allocation<String> c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(PROMISED);
            effects();
            poison(x);
            assertThat(effects()).containsExactly("failed C RELEASE_CANCELLED");
            assertThat(c.phase()).isEqualTo(Phase.FAILED_RELEASE_CANCELLED);
            assertThat(c.failure().cancelledReleaseOf()).isEqualTo("A");
            assertThat(a.phase()).isEqualTo(Phase.LIVE);
            trigger(destroy(a));
            assertThat(effects()).containsExactly("released A");
        }

        @Test
        void e4_aTwoBucketRequestWaitsForBothReleasesItCountedOn() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            allocated("C", 1);
            Destroy x = destroy(b);
            Destroy y = destroy(a);
            Allocation<String> d = create("D", 2);
            assertThat(createNow(d)).isEqualTo(PROMISED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            effects();
            trigger(y);
            assertThat(effects()).containsExactly("released A");
            assertThat(d.phase()).isEqualTo(Phase.PROMISED);
            trigger(x);
            assertThat(effects()).containsExactly("released B", "allocated D@0");
        }

        @Test
        void e5_aCreateMayCountOnADestroyRequestedBeforeItEvenIfItsPreconditionTriggersLater() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Destroy x = destroy(a);
            Allocation<String> c = create("C", 1);
            assertThat(trigger(c)).isEqualTo(PROMISED);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated C@0");
        }

        @Test
        void e5b_aDestroyRequestedAfterTheCreateIsNeverCountedOn() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = create("C", 1);
            destroy(a);
            assertThat(trigger(c)).isEqualTo(FAILED_NEVER_FITS);
            assertThat(c.failure().pendingRelease()).isEqualTo(BUCKET);
            assertThat(c.failure().countableRelease()).isZero();
        }

        @Test
        void e6_aPoisonedCreateAllocatesNothingAndItsDestroyIsANoOp() {
            memoryOf(2);
            allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = create("C", 1);
            poison(c);
            assertThat(c.phase()).isEqualTo(Phase.CANCELLED);
            effects();
            trigger(destroy(c));
            assertThat(effects()).containsExactly("released C");
            assertThat(planner.used()).isEqualTo(2 * BUCKET);
        }

        @Test
        void e7_theDeferredTutorialChainRunsAThousandBatchesInOneInstance() {
            memoryOf(1);
            List<Allocation<String>> batches = new ArrayList<>();
            List<Destroy> destroys = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {  // the loop runs before start triggers
                Allocation<String> batch = create("batch" + i, 1);
                batches.add(batch);
                destroys.add(destroy(batch));
            }
            for (int i = 0; i < 1000; i++) {  // reader i-1 completes: its destroy, then create i
                if (i > 0) {
                    trigger(destroys.get(i - 1));
                }
                assertThat(trigger(batches.get(i))).isEqualTo(LIVE);
                assertThat(batches.get(i).offset()).isZero();
            }
            trigger(destroys.get(999));
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
            assertThat(planner.used()).isZero();
        }

        @Test
        void e7_theChainAlsoRunsWhenTheCreateIsHandledBeforeTheDestroyOfTheSameEvent() {
            memoryOf(1);
            Allocation<String> previous = allocated("batch0", 1);
            Destroy previousDestroy = destroy(previous);
            for (int i = 1; i < 1000; i++) {
                Allocation<String> batch = create("batch" + i, 1);
                Destroy batchDestroy = destroy(batch);
                assertThat(trigger(batch)).isEqualTo(PROMISED);
                trigger(previousDestroy);
                assertThat(batch.phase()).isEqualTo(Phase.LIVE);
                previousDestroy = batchDestroy;
            }
            trigger(previousDestroy);
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
        }

        @Test
        void e7_theEagerTutorialChainRunsAThousandBatchesInOneInstance() {
            memoryOf(1);
            Deque<Allocation<String>> ready = new ArrayDeque<>();
            AllocationPlanner.Effects<String> readiness = new AllocationPlanner.Effects<>() {
                @Override
                public void allocated(Allocation<String> a) {
                    ready.add(a);
                }

                @Override
                public void failed(Allocation<String> a) {
                    throw new AssertionError("batch failed: " + a.failure().message());
                }

                @Override
                public void released(Allocation<String> a, boolean heldBytes) {
                }
            };
            for (int i = 0; i < 1000; i++) {  // every create is decided at call time
                Allocation<String> batch = planner.newRequest(BUCKET, ALIGNMENT, "batch" + i);
                assertThat(planner.decide(batch, readiness)).isEqualTo(i == 0 ? LIVE : PROMISED);
                destroy(batch);
            }
            assertThat(planner.promisedCount()).isEqualTo(999);
            planner.checkInvariants();
            int completed = 0;
            while (!ready.isEmpty()) {  // ready -> writer -> reader -> destroy's precondition triggers
                Allocation<String> batch = ready.poll();
                assertThat(batch.owner()).isEqualTo("batch" + completed);
                assertThat(batch.offset()).isZero();
                planner.triggerRelease(batch, readiness);
                completed++;
            }
            assertThat(completed).isEqualTo(1000);
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
            assertThat(planner.used()).isZero();
        }

        @Test
        void e7_eagerCreationInARoomyMemoryHoldsEveryBatchAtOnce() {
            memoryOf(1000);
            for (int i = 0; i < 1000; i++) {
                destroy(allocated("batch" + i, 1));
            }
            assertThat(planner.peakUsed()).isEqualTo(1000 * BUCKET);
        }

        @Test
        void e7_withoutDeferralTheEagerChainFailsAtTheSecondBatch() {
            memoryWithoutDeferralOf(1);
            destroy(allocated("batch0", 1));
            Allocation<String> second = create("batch1", 1);
            assertThat(createNow(second)).isEqualTo(FAILED_DOES_NOT_FIT_NOW);
            assertThat(second.failure().message()).isEqualTo("out of memory: reason=DOES_NOT_FIT_NOW"
                    + " bytes=1398112 alignment=16 capacity=1398112 used=1398112 pendingRelease=1398112"
                    + " countableRelease=1398112 promised=0");
        }
        @Test
        void e8_promisesMoveSoThatOlderRequestsCompleteInBytesAYoungerOneWasPlannedIn() {
            memoryOf(5);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            Allocation<String> c = allocated("C", 2);
            Allocation<String> d = allocated("D", 1);
            Destroy xa = destroy(a);
            Allocation<String> e = create("E", 1);
            assertThat(createNow(e)).isEqualTo(PROMISED);
            Destroy xb = destroy(b);
            Allocation<String> f = create("F", 1);
            assertThat(createNow(f)).isEqualTo(PROMISED);
            Destroy xc = destroy(c);
            Allocation<String> g = create("G", 2);
            assertThat(createNow(g)).isEqualTo(PROMISED);
            Destroy xd = destroy(d);
            assertThat(List.of(e.plannedOffset(), f.plannedOffset(), g.plannedOffset()))
                    .containsExactly(0L, BUCKET, 2 * BUCKET);
            effects();
            trigger(xc);
            assertThat(effects()).containsExactly("released C", "allocated E@2", "allocated F@3");
            assertThat(bucketOf(g.plannedOffset())).isZero();
            Allocation<String> h = create("H", 1);
            assertThat(createNow(h)).isEqualTo(PROMISED);
            assertThat(bucketOf(h.plannedOffset())).isEqualTo(4);
            trigger(xa);
            assertThat(effects()).containsExactly("released A");
            trigger(xb);
            assertThat(effects()).containsExactly("released B", "allocated G@0");
            trigger(xd);
            assertThat(effects()).containsExactly("released D", "allocated H@4");
        }

        @Test
        void e9_aSmallRequestNeverTakesTheOnlyHoleALargerPromiseCanHave() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            Destroy x = destroy(a);
            Allocation<String> d = create("D", 1);
            assertThat(createNow(d)).isEqualTo(PROMISED);
            Destroy y = destroy(b);
            Destroy z = destroy(c);
            Allocation<String> e = create("E", 2);
            assertThat(createNow(e)).isEqualTo(PROMISED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(1);
            effects();
            trigger(y);
            assertThat(effects()).containsExactly("released B");
            assertThat(d.phase()).isEqualTo(PROMISED);
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated D@0");
            trigger(z);
            assertThat(effects()).containsExactly("released C", "allocated E@1");
        }
    }

    // ---- the rules ----------------------------------------------------------------------------

    @Nested
    class Decisions {

        @Test
        void aRequestThatFitsOnlyOnceEarlierReleasesCompleteIsAccepted() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            Destroy ra = destroy(a);
            Destroy rb = destroy(b);
            Allocation<String> c = create("C", 2);
            assertThat(trigger(c)).isEqualTo(PROMISED);
            assertThat(c.phase()).isEqualTo(PROMISED);
            assertThat(planner.pendingReleaseBytes()).isEqualTo(2 * BUCKET);
            effects();
            trigger(rb);
            trigger(ra);
            assertThat(effects()).containsExactly("released B", "released A", "allocated C@0");
            assertThat(planner.pendingReleaseBytes()).isZero();
        }

        @Test
        void aRequestThatNeverFitsFailsAtOnceAndSaysWhy() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Allocation<String> big = create("BIG", 3);
            assertThat(trigger(big)).isEqualTo(FAILED_NEVER_FITS);
            assertThat(effects()).endsWith("failed BIG NEVER_FITS");
            AllocFailure failure = big.failure();
            assertThat(failure.bytes()).isEqualTo(3 * BUCKET);
            assertThat(failure.capacity()).isEqualTo(3 * BUCKET);
            assertThat(failure.used()).isEqualTo(2 * BUCKET);
            assertThat(failure.pendingRelease()).isEqualTo(BUCKET);
            assertThat(failure.countableRelease()).isEqualTo(BUCKET);
            assertThat(failure.cancelledReleaseOf()).isNull();
        }

        @Test
        void bytesFreeNowButPromisedAreNotGivenToALaterRequest() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            Destroy x = destroy(a);
            destroy(b);
            Allocation<String> c = create("C", 2);
            assertThat(trigger(c)).isEqualTo(PROMISED);
            trigger(x);
            Allocation<String> d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(FAILED_NEVER_FITS);
            assertThat(d.failure().promised()).isEqualTo(2 * BUCKET);
        }

        @Test
        void bytesFreedByALaterDestroyAreUsedOnceTheyAreFree() {
            memoryOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = create("C", 1);
            trigger(destroy(a));
            assertThat(trigger(c)).isEqualTo(LIVE);
            assertThat(bucketOf(c.offset())).isZero();
        }

        @Test
        void withoutDeferralARequestThatDoesNotFitNowFailsWhereDeferralWouldAcceptIt() {
            memoryWithoutDeferralOf(2);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Allocation<String> c = create("C", 1);
            assertThat(trigger(c)).isEqualTo(FAILED_DOES_NOT_FIT_NOW);
            assertThat(planner.pressureDeferral()).isFalse();
        }

        @Test
        void aZeroByteRequestSucceedsAtOnceEvenInAFullMemory() {
            memoryOf(1);
            allocated("A", 1);
            Allocation<String> empty = planner.newRequest(0, 256, "EMPTY");
            assertThat(trigger(empty)).isEqualTo(LIVE);
            assertThat(empty.offset()).isZero();
            assertThat(planner.used()).isEqualTo(BUCKET);
            effects();
            trigger(destroy(empty));
            assertThat(effects()).containsExactly("released EMPTY");
        }

        @Test
        void aRequestLargerThanTheMemoryIsRefusedAtCreate() {
            memoryOf(1);
            assertThatThrownBy(() -> planner.newRequest(BUCKET + 1, 1, "HUGE"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("instance does not fit in memory: bytes=1398113 capacity=1398112");
        }

        @Test
        void firstFitByAddressPlacesInstancesReproducibly() {
            memoryOf(4);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            trigger(destroy(a));
            trigger(destroy(c));
            assertThat(bucketOf(allocated("D", 1).offset())).isZero();
            assertThat(bucketOf(allocated("E", 2).offset())).isEqualTo(2);
        }
    }

    @Nested
    class Releases {

        @Test
        void theOlderPromiseTakesTheBytesFreedFirstAndTheYoungerMovesToItsPlace() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            allocated("C", 1);
            Destroy ra = destroy(a);
            Destroy rb = destroy(b);
            Allocation<String> d = create("D", 1);
            Allocation<String> e = create("E", 1);
            assertThat(trigger(d)).isEqualTo(PROMISED);
            assertThat(trigger(e)).isEqualTo(PROMISED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(1);
            effects();
            trigger(rb);  // rule 5: D, the oldest, completes in B's bucket; E's promise moves to A's
            assertThat(effects()).containsExactly("released B", "allocated D@1");
            assertThat(bucketOf(e.plannedOffset())).isZero();
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated E@0");
        }

        @Test
        void aDestroyOfAWaitingRequestTakesEffectRightAfterItIsAllocated() {
            memoryOf(1);
            Allocation<String> a = create("A", 1);
            trigger(destroy(a));
            assertThat(effects()).isEmpty();
            assertThat(trigger(a)).isEqualTo(LIVE);
            assertThat(effects()).containsExactly("allocated A@0", "released A");
            assertThat(a.phase()).isEqualTo(Phase.FREED);
            assertThat(planner.used()).isZero();
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
        }

        @Test
        void aDestroyOfAWaitingRequestThatThenFailsIsANoOp() {
            memoryOf(1);
            allocated("A", 1);
            Allocation<String> b = create("B", 1);
            trigger(destroy(b));
            assertThat(trigger(b)).isEqualTo(FAILED_NEVER_FITS);
            assertThat(effects()).containsExactly("allocated A@0", "failed B NEVER_FITS", "released B");
        }

        @Test
        void aDestroyOfAPromisedRequestTakesEffectRightAfterItIsAllocated() {
            memoryOf(1);
            Allocation<String> a = allocated("A", 1);
            Destroy x = destroy(a);
            Allocation<String> b = create("B", 1);
            assertThat(trigger(b)).isEqualTo(PROMISED);
            Destroy rb = destroy(b);
            trigger(rb);
            assertThat(b.phase()).isEqualTo(Phase.PROMISED_DESTROYED);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated B@0", "released B");
            assertThat(planner.used()).isZero();
        }

        @Test
        void aChainOfPromisesBehindOneInstanceThatFillsTheMemoryCompletesInOrderWhenReleasedAtOnce() {
            memoryOf(1);
            Allocation<String> first = allocated("A0", 1);
            Destroy firstDestroy = destroy(first);
            List<Destroy> destroys = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                Allocation<String> next = create("A" + i, 1);
                assertThat(createNow(next)).isEqualTo(PROMISED);
                assertThat(next.plannedOffset()).isZero();
                destroys.add(destroy(next));
            }
            destroys.forEach(AllocationPlannerTest.this::trigger);
            effects();
            trigger(firstDestroy);
            assertThat(effects()).containsExactly("released A0",
                    "allocated A1@0", "released A1", "allocated A2@0", "released A2",
                    "allocated A3@0", "released A3", "allocated A4@0", "released A4",
                    "allocated A5@0", "released A5");
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
            assertThat(planner.promisedCount()).isZero();
        }

        @Test
        void aPromiseLaterInAChainWaitsForTheOneBeforeItEvenWhenItsBytesAreFree() {
            memoryOf(1);
            Allocation<String> a = allocated("A", 1);
            Destroy ra = destroy(a);
            Allocation<String> b = create("B", 1);
            assertThat(createNow(b)).isEqualTo(PROMISED);
            Destroy rb = destroy(b);
            Allocation<String> c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(PROMISED);
            effects();
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated B@0");
            assertThat(c.phase()).isEqualTo(Phase.PROMISED);
            trigger(rb);
            assertThat(effects()).containsExactly("released B", "allocated C@0");
        }

        @Test
        void aSecondDestroyOfTheSameInstanceIsRefusedUnlessTheFirstWasCancelled() {
            memoryOf(1);
            Allocation<String> a = allocated("A", 1);
            Destroy first = destroy(a);
            assertThatThrownBy(() -> destroy(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("instance already destroyed: allocation[id=0 owner=A bytes=1398112 phase=LIVE offset=0 release=0]");
            poison(first);
            Destroy second = destroy(a);
            trigger(second);
            assertThatThrownBy(() -> destroy(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("instance already destroyed: allocation[id=0 owner=A bytes=1398112 phase=FREED]");
        }

    }

    @Nested
    class CancelledReleases {

        @Test
        void aPromiseThatCountedOnACancelledReleaseMovesToAnotherPlaceItMayCountOn() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            Destroy x = destroy(a);
            Destroy y = destroy(c);
            Allocation<String> d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(PROMISED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            effects();
            poison(x);
            assertThat(effects()).isEmpty();
            assertThat(bucketOf(d.plannedOffset())).isEqualTo(2);
            assertThat(d.phase()).isEqualTo(PROMISED);
            trigger(y);
            assertThat(effects()).containsExactly("released C", "allocated D@2");
            assertThat(a.phase()).isEqualTo(Phase.LIVE);
        }

        @Test
        void aPromiseWithNoOtherPlaceFailsAndEveryOtherPromiseHolds() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            Destroy x = destroy(a);
            Destroy y = destroy(c);
            Allocation<String> d = create("D", 1);
            Allocation<String> e = create("E", 1);
            assertThat(trigger(d)).isEqualTo(PROMISED);
            assertThat(trigger(e)).isEqualTo(PROMISED);
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(2);
            effects();
            poison(x);
            assertThat(effects()).containsExactly("failed D RELEASE_CANCELLED");
            assertThat(d.failure().cancelledReleaseOf()).isEqualTo("A");
            assertThat(d.failure().message()).endsWith(" cancelledReleaseOf=A");
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(2);
            trigger(y);
            assertThat(effects()).containsExactly("released C", "allocated E@2");
        }

        @Test
        void aCancelledReleaseOfAPromisedInstanceFailsTheChainBehindIt() {
            memoryOf(1);
            Allocation<String> a = allocated("A", 1);
            Destroy ra = destroy(a);
            Allocation<String> b = create("B", 1);
            assertThat(createNow(b)).isEqualTo(PROMISED);
            Destroy rb = destroy(b);
            Allocation<String> c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(PROMISED);
            effects();
            poison(rb);
            assertThat(effects()).containsExactly("failed C RELEASE_CANCELLED");
            assertThat(c.failure().cancelledReleaseOf()).isEqualTo("B");
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated B@0");
        }

        @Test
        void aPromiseThatOverlapsTheInstanceButNeverCountedOnItsReleaseStaysPut() {
            memoryOf(1);
            Allocation<String> l = allocated("L", 1);
            Destroy rl = destroy(l);
            Allocation<String> p = create("P", 1);
            Destroy rp = destroy(p);
            Allocation<String> x = create("X", 1);
            assertThat(trigger(p)).isEqualTo(PROMISED);
            assertThat(trigger(x)).isEqualTo(PROMISED);  // counts on P's destroy, requested before it
            Destroy rx = destroy(x);
            effects();
            poison(rx);  // P was planned before X's destroy existed: it never counted on it
            assertThat(effects()).isEmpty();
            assertThat(p.phase()).isEqualTo(Phase.PROMISED);
            trigger(rl);
            trigger(rp);
            assertThat(effects()).containsExactly("released L", "allocated P@0", "released P", "allocated X@0");
        }

        @Test
        void aCancelledReleaseOfAWaitingInstanceAffectsNoOne() {
            memoryOf(2);
            allocated("A", 1);
            Allocation<String> b = create("B", 1);
            Destroy rb = destroy(b);
            poison(rb);
            assertThat(b.release()).isNull();
            assertThat(trigger(b)).isEqualTo(LIVE);
            trigger(destroy(b));
            assertThat(effects()).containsExactly("allocated A@0", "allocated B@1", "released B");
        }
    }

    @Nested
    class EarlyCompletion {

        @Test
        void aPromiseCompletesEarlyInBytesFreedByALaterRelease() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            Destroy x = destroy(a);
            Allocation<String> d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(PROMISED);
            Destroy later = destroy(c);  // requested after D's create: not counted, but usable once done
            effects();
            trigger(later);
            assertThat(effects()).containsExactly("released C", "allocated D@2");
            assertThat(d.accepted()).isTrue();
            trigger(x);
            assertThat(effects()).containsExactly("released A");
        }

        @Test
        void aSmallPromiseNeverTakesTheHoleALargerPromiseWasPlannedIn() {
            memoryOf(4);
            Allocation<String> a = allocated("A", 1);
            Allocation<String> b = allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            allocated("D", 1);
            Destroy x = destroy(a);
            Destroy y = destroy(b);
            Allocation<String> large = create("LARGE", 2);
            assertThat(trigger(large)).isEqualTo(PROMISED);
            assertThat(bucketOf(large.plannedOffset())).isZero();
            Destroy z = destroy(c);
            Allocation<String> small = create("SMALL", 1);
            assertThat(trigger(small)).isEqualTo(PROMISED);
            assertThat(bucketOf(small.plannedOffset())).isEqualTo(2);
            effects();
            trigger(x);  // bucket 0 is free, but it belongs to LARGE's plan
            assertThat(effects()).containsExactly("released A");
            assertThat(small.phase()).isEqualTo(Phase.PROMISED);
            trigger(y);
            assertThat(effects()).containsExactly("released B", "allocated LARGE@0");
            trigger(z);
            assertThat(effects()).containsExactly("released C", "allocated SMALL@2");
        }

        @Test
        void anOlderPromiseCompletesInBytesPlannedForAYoungerOneThatCanMove() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            Destroy ra = destroy(a);
            Allocation<String> older = create("OLDER", 1);
            assertThat(trigger(older)).isEqualTo(PROMISED);
            Destroy rc = destroy(c);
            Allocation<String> younger = create("YOUNGER", 1);
            assertThat(trigger(younger)).isEqualTo(PROMISED);
            assertThat(bucketOf(older.plannedOffset())).isZero();
            assertThat(bucketOf(younger.plannedOffset())).isEqualTo(2);
            trigger(destroy(younger));  // destroyed before it is even allocated
            effects();
            trigger(rc);  // OLDER goes first; YOUNGER may count on A's release, so its promise moves to bucket 0
            assertThat(effects()).containsExactly("released C", "allocated OLDER@2");
            assertThat(bucketOf(younger.plannedOffset())).isZero();
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated YOUNGER@0", "released YOUNGER");
        }
    }

    @Nested
    class FutureView {

        @Test
        void isKeptOnlyUnderPressureAndRebuiltWhenPressureReturns() {
            memoryOf(3);
            Allocation<String> a = allocated("A", 1);
            allocated("B", 1);
            Allocation<String> c = allocated("C", 1);
            assertThat(planner.keepsFutureView()).as("never under pressure: never built").isFalse();
            Destroy x = destroy(a);
            Allocation<String> d = create("D", 1);
            assertThat(createNow(d)).isEqualTo(PROMISED);
            assertThat(planner.keepsFutureView()).isTrue();
            trigger(x);
            assertThat(d.phase()).isEqualTo(LIVE);
            for (int i = 0; i < 40; i++) {  // 120 operations without a promise, with 3 live instances
                planner.checkInvariants();
                Allocation<String> e = create("E" + i, 0);
                createNow(e);
                trigger(destroy(e));
            }
            assertThat(planner.keepsFutureView()).as("dropped after a calm stretch").isFalse();
            Destroy y = destroy(c);
            Allocation<String> f = create("F", 1);
            assertThat(createNow(f)).as("rebuilt from the live instances: C's release is counted on").isEqualTo(PROMISED);
            assertThat(bucketOf(f.plannedOffset())).isEqualTo(2);
            effects();
            trigger(y);
            assertThat(effects()).containsExactly("released C", "allocated F@2");
        }
    }

    @Nested
    class WorkBudget {

        @Test
        void aPassCutShortByTheBudgetEndsWhereAnUnboundedOneWould() {
            memoryOf(4);
            List<Allocation<String>> holders = new ArrayList<>();
            List<Destroy> releases = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Allocation<String> held = allocated("A" + i, 1);
                holders.add(held);
                releases.add(destroy(held));
            }
            List<Allocation<String>> promises = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Allocation<String> p = create("P" + i, 1);
                assertThat(createNow(p)).isEqualTo(PROMISED);
                destroy(p);
                trigger(new Destroy(p));  // each frees its bucket the moment it lands
                promises.add(p);
            }
            planner.setWorkBudget(1);
            effects();
            trigger(releases.get(3));
            assertThat(planner.hasPendingWork()).isTrue();
            assertThat(effects()).containsExactly("released A3", "allocated P0@3", "released P0");
            while (planner.hasPendingWork()) {
                planner.continueWork(out);
            }
            assertThat(effects()).containsExactly("allocated P1@3", "released P1", "allocated P2@3", "released P2",
                    "allocated P3@3", "released P3");
            assertThat(planner.promisedCount()).isZero();
        }
    }

    @Nested
    class Misuse {

        @Test
        void aRequestIsDecidedOnlyOnce() {
            memoryOf(1);
            Allocation<String> a = allocated("A", 1);
            assertThatThrownBy(() -> trigger(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot decide a request that is not waiting")
                    .hasMessageContaining("phase=LIVE");
        }

        @Test
        void aReleaseTriggersOnlyOnce() {
            memoryOf(1);
            Destroy x = destroy(allocated("A", 1));
            trigger(x);
            assertThatThrownBy(() -> trigger(x))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot trigger a release that is not pending: allocation[id=0 owner=A bytes=1398112 phase=FREED]");
            assertThatThrownBy(() -> poison(x)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aRequestFromAnotherMemoryIsRefused() {
            memoryOf(1);
            Allocation<String> foreign = new AllocationPlanner<String>(BUCKET, true).newRequest(1, 1, "F");
            assertThatThrownBy(() -> trigger(foreign))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allocation belongs to another memory");
        }

        @Test
        void alignmentMustBeAPowerOfTwo() {
            memoryOf(1);
            assertThatThrownBy(() -> planner.newRequest(8, 24, "A"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("alignment must be a power of two: alignment=24");
        }

        @Test
        void aWorkBudgetBelowOneIsRefused() {
            memoryOf(1);
            assertThatThrownBy(() -> planner.setWorkBudget(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("work budget must be at least 1: budget=0");
        }
    }

    @Test
    void accountingFollowsEveryState() {
        memoryOf(2);
        Allocation<String> a = allocated("A", 1);
        Allocation<String> w = create("W", 1);
        Destroy ra = destroy(a);
        allocated("B", 1);
        Allocation<String> p = create("P", 1);
        assertThat(trigger(p)).isEqualTo(PROMISED);
        assertThat(planner.liveCount()).isEqualTo(2);
        assertThat(planner.promisedCount()).isEqualTo(1);
        assertThat(planner.waitingCount()).isEqualTo(1);
        assertThat(planner.used()).isEqualTo(2 * BUCKET);
        assertThat(planner.pendingReleaseBytes()).isEqualTo(BUCKET);
        trigger(ra);
        assertThat(planner.liveCount()).isEqualTo(2);
        assertThat(planner.promisedCount()).isZero();
        assertThat(planner.pendingReleaseBytes()).isZero();
        assertThat(planner.peakUsed()).isEqualTo(2 * BUCKET);
        poison(w);
        assertThat(planner.waitingCount()).isZero();
        assertThat(planner.capacity()).isEqualTo(2 * BUCKET);
    }
}
