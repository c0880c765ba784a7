package dev.kairos.internal.mem;

import static dev.kairos.internal.mem.AllocOutcome.ACCEPTED;
import static dev.kairos.internal.mem.AllocOutcome.CANCELLED;
import static dev.kairos.internal.mem.AllocOutcome.EVENTUAL_FAILURE;
import static dev.kairos.internal.mem.AllocOutcome.EVENTUAL_SUCCESS;
import static dev.kairos.internal.mem.AllocOutcome.FAILURE_NOW;
import static dev.kairos.internal.mem.AllocOutcome.SUCCESS_NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.internal.mem.AllocationPlanner.Release;
import dev.kairos.internal.mem.AllocationPlanner.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of DEFERRED_ALLOCATION.md, one memory at a time. Capacities are counted in buckets of
 * one tutorial instance (1 398 112 bytes); effects are written with offsets in buckets.
 */
class AllocationPlannerTest {

    private static final long BUCKET = 1_398_112;
    private static final long ALIGNMENT = 16;

    private final List<String> effects = new ArrayList<>();
    private final AllocationPlanner.Effects out = new AllocationPlanner.Effects() {
        @Override
        public void allocated(Request request, long offset) {
            effects.add("allocated " + request.owner() + "@" + offset / BUCKET);
        }

        @Override
        public void failed(Request request, AllocFailure failure) {
            effects.add("failed " + request.owner() + " " + failure.reason());
        }

        @Override
        public void released(Release release) {
            effects.add("released " + release.request().owner());
        }
    };

    private AllocationPlanner planner;

    @AfterEach
    void invariantsHold() {
        planner.checkInvariants();
    }

    // ---- a tiny language for scenarios --------------------------------------------------------

    private void memoryOf(int buckets) {
        planner = new AllocationPlanner(buckets * BUCKET, true);
    }

    private void memoryWithoutDeferralOf(int buckets) {
        planner = new AllocationPlanner(buckets * BUCKET, false);
    }

    /** {@code create} with a precondition that has not triggered yet. */
    private Request create(String name, int buckets) {
        return planner.newRequest(buckets * BUCKET, ALIGNMENT, name);
    }

    /** The create's precondition triggers. */
    private AllocOutcome trigger(Request request) {
        return planner.decide(request, out);
    }

    /** {@code create} without precondition: decided on the spot. */
    private AllocOutcome createNow(Request request) {
        return trigger(request);
    }

    private Request allocated(String name, int buckets) {
        Request request = create(name, buckets);
        assertThat(createNow(request)).isEqualTo(SUCCESS_NOW);
        return request;
    }

    /** {@code destroy} whose precondition has not triggered yet. */
    private Release destroy(Request request) {
        return planner.registerRelease(request);
    }

    private void trigger(Release release) {
        planner.triggerRelease(release, out);
    }

    private void poison(Release release) {
        planner.cancelRelease(release, out);
    }

    private void poison(Request request) {
        planner.cancel(request, out);
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
            Request a = allocated("A", 1);
            allocated("B", 1);
            Release x = destroy(a);
            Request c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(c.plannedOffset())).isZero();
            Request d = create("D", 1);
            assertThat(createNow(d)).isEqualTo(FAILURE_NOW);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated C@0");
            assertThat(c.outcome()).isEqualTo(EVENTUAL_SUCCESS);
        }

        @Test
        void e2_aRequestLargerThanAllPendingReleasesFailsAtOnce() {
            memoryOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Request c = create("C", 2);
            assertThat(createNow(c)).isEqualTo(FAILURE_NOW);
            assertThat(c.failure().reason()).isEqualTo(AllocFailure.Reason.NEVER_FITS);
        }

        @Test
        void e3_aCancelledReleaseFailsTheRequestThatCountedOnItAndKeepsTheInstance() {
            memoryOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Release x = destroy(a);
            Request c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(ACCEPTED);
            effects();
            poison(x);
            assertThat(effects()).containsExactly("failed C RELEASE_CANCELLED");
            assertThat(c.outcome()).isEqualTo(EVENTUAL_FAILURE);
            assertThat(c.failure().cancelledReleaseOwner()).isEqualTo("A");
            assertThat(a.state()).isEqualTo(Request.State.LIVE);
            trigger(destroy(a));
            assertThat(effects()).containsExactly("released A");
        }

        @Test
        void e4_aTwoBucketRequestWaitsForBothReleasesItCountedOn() {
            memoryOf(3);
            Request a = allocated("A", 1);
            Request b = allocated("B", 1);
            allocated("C", 1);
            Release x = destroy(b);
            Release y = destroy(a);
            Request d = create("D", 2);
            assertThat(createNow(d)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            effects();
            trigger(y);
            assertThat(effects()).containsExactly("released A");
            assertThat(d.state()).isEqualTo(Request.State.PROMISED);
            trigger(x);
            assertThat(effects()).containsExactly("released B", "allocated D@0");
        }

        @Test
        void e5_aCreateMayCountOnADestroyRequestedBeforeItEvenIfItsPreconditionTriggersLater() {
            memoryOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Release x = destroy(a);
            Request c = create("C", 1);
            assertThat(trigger(c)).isEqualTo(ACCEPTED);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated C@0");
        }

        @Test
        void e5b_aDestroyRequestedAfterTheCreateIsNeverCountedOn() {
            memoryOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = create("C", 1);
            destroy(a);
            assertThat(trigger(c)).isEqualTo(FAILURE_NOW);
            assertThat(c.failure().reason()).isEqualTo(AllocFailure.Reason.NEVER_FITS);
            assertThat(c.failure().pendingRelease()).isEqualTo(BUCKET);
            assertThat(c.failure().countableRelease()).isZero();
        }

        @Test
        void e6_aPoisonedCreateAllocatesNothingAndItsDestroyIsANoOp() {
            memoryOf(2);
            allocated("A", 1);
            allocated("B", 1);
            Request c = create("C", 1);
            poison(c);
            assertThat(c.outcome()).isEqualTo(CANCELLED);
            assertThat(c.state()).isEqualTo(Request.State.CANCELLED);
            effects();
            trigger(destroy(c));
            assertThat(effects()).containsExactly("released C");
            assertThat(planner.used()).isEqualTo(2 * BUCKET);
        }

        @Test
        void e7_theDeferredTutorialChainRunsAThousandBatchesInOneInstance() {
            memoryOf(1);
            List<Request> batches = new ArrayList<>();
            List<Release> destroys = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {  // the loop runs before start triggers
                Request batch = create("batch" + i, 1);
                batches.add(batch);
                destroys.add(destroy(batch));
            }
            for (int i = 0; i < 1000; i++) {  // reader i-1 completes: its destroy, then create i
                if (i > 0) {
                    trigger(destroys.get(i - 1));
                }
                assertThat(trigger(batches.get(i))).isEqualTo(SUCCESS_NOW);
                assertThat(batches.get(i).offset()).isZero();
            }
            trigger(destroys.get(999));
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
            assertThat(planner.used()).isZero();
        }

        @Test
        void e7_theChainAlsoRunsWhenTheCreateIsHandledBeforeTheDestroyOfTheSameEvent() {
            memoryOf(1);
            Request previous = allocated("batch0", 1);
            Release previousDestroy = destroy(previous);
            for (int i = 1; i < 1000; i++) {
                Request batch = create("batch" + i, 1);
                Release batchDestroy = destroy(batch);
                assertThat(trigger(batch)).isEqualTo(ACCEPTED);
                trigger(previousDestroy);
                assertThat(batch.state()).isEqualTo(Request.State.LIVE);
                previousDestroy = batchDestroy;
            }
            trigger(previousDestroy);
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
        }

        @Test
        void e7_theEagerTutorialChainRunsAThousandBatchesInOneInstance() {
            memoryOf(1);
            Deque<Request> ready = new ArrayDeque<>();
            AllocationPlanner.Effects readiness = new AllocationPlanner.Effects() {
                @Override
                public void allocated(Request request, long offset) {
                    ready.add(request);
                }

                @Override
                public void failed(Request request, AllocFailure failure) {
                    throw new AssertionError("batch failed: " + failure.message());
                }

                @Override
                public void released(Release release) {
                }
            };
            for (int i = 0; i < 1000; i++) {  // every create is decided at call time
                Request batch = planner.newRequest(BUCKET, ALIGNMENT, "batch" + i);
                assertThat(planner.decide(batch, readiness)).isEqualTo(i == 0 ? SUCCESS_NOW : ACCEPTED);
                destroy(batch);
            }
            assertThat(planner.promisedCount()).isEqualTo(999);
            planner.checkInvariants();
            int completed = 0;
            while (!ready.isEmpty()) {  // ready -> writer -> reader -> destroy's precondition triggers
                Request batch = ready.poll();
                assertThat(batch.owner()).isEqualTo("batch" + completed);
                assertThat(batch.offset()).isZero();
                planner.triggerRelease(batch.release(), readiness);
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
            Request second = create("batch1", 1);
            assertThat(createNow(second)).isEqualTo(FAILURE_NOW);
            assertThat(second.failure().message()).isEqualTo("out of memory: reason=DOES_NOT_FIT_NOW"
                    + " bytes=1398112 alignment=16 capacity=1398112 used=1398112 pendingRelease=1398112"
                    + " countableRelease=1398112 promised=0");
        }
    }

    // ---- the rules ----------------------------------------------------------------------------

    @Nested
    class Decisions {

        @Test
        void aRequestThatFitsOnlyOnceEarlierReleasesCompleteIsAccepted() {
            memoryOf(2);
            Request a = allocated("A", 1);
            Request b = allocated("B", 1);
            Release ra = destroy(a);
            Release rb = destroy(b);
            Request c = create("C", 2);
            assertThat(trigger(c)).isEqualTo(ACCEPTED);
            assertThat(c.outcome()).isEqualTo(ACCEPTED);
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
            Request a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Request big = create("BIG", 3);
            assertThat(trigger(big)).isEqualTo(FAILURE_NOW);
            assertThat(effects()).endsWith("failed BIG NEVER_FITS");
            AllocFailure failure = big.failure();
            assertThat(failure.bytes()).isEqualTo(3 * BUCKET);
            assertThat(failure.capacity()).isEqualTo(3 * BUCKET);
            assertThat(failure.used()).isEqualTo(2 * BUCKET);
            assertThat(failure.pendingRelease()).isEqualTo(BUCKET);
            assertThat(failure.countableRelease()).isEqualTo(BUCKET);
            assertThat(failure.cancelledReleaseOwner()).isNull();
        }

        @Test
        void bytesFreeNowButPromisedAreNotGivenToALaterRequest() {
            memoryOf(2);
            Request a = allocated("A", 1);
            Request b = allocated("B", 1);
            Release x = destroy(a);
            destroy(b);
            Request c = create("C", 2);
            assertThat(trigger(c)).isEqualTo(ACCEPTED);
            trigger(x);
            Request d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(FAILURE_NOW);
            assertThat(d.failure().promised()).isEqualTo(2 * BUCKET);
        }

        @Test
        void bytesFreedByALaterDestroyAreUsedOnceTheyAreFree() {
            memoryOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = create("C", 1);
            trigger(destroy(a));
            assertThat(trigger(c)).isEqualTo(SUCCESS_NOW);
            assertThat(bucketOf(c.offset())).isZero();
        }

        @Test
        void withoutDeferralARequestThatDoesNotFitNowFailsWhereDeferralWouldAcceptIt() {
            memoryWithoutDeferralOf(2);
            Request a = allocated("A", 1);
            allocated("B", 1);
            destroy(a);
            Request c = create("C", 1);
            assertThat(trigger(c)).isEqualTo(FAILURE_NOW);
            assertThat(c.failure().reason()).isEqualTo(AllocFailure.Reason.DOES_NOT_FIT_NOW);
            assertThat(planner.pressureDeferral()).isFalse();
        }

        @Test
        void aZeroByteRequestSucceedsAtOnceEvenInAFullMemory() {
            memoryOf(1);
            allocated("A", 1);
            Request empty = planner.newRequest(0, 256, "EMPTY");
            assertThat(trigger(empty)).isEqualTo(SUCCESS_NOW);
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
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = allocated("C", 1);
            trigger(destroy(a));
            trigger(destroy(c));
            assertThat(bucketOf(allocated("D", 1).offset())).isZero();
            assertThat(bucketOf(allocated("E", 2).offset())).isEqualTo(2);
        }
    }

    @Nested
    class Releases {

        @Test
        void releasesTriggeredOutOfRequestOrderCompleteWhatTheyFree() {
            memoryOf(3);
            Request a = allocated("A", 1);
            Request b = allocated("B", 1);
            allocated("C", 1);
            Release ra = destroy(a);
            Release rb = destroy(b);
            Request d = create("D", 1);
            Request e = create("E", 1);
            assertThat(trigger(d)).isEqualTo(ACCEPTED);
            assertThat(trigger(e)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(1);
            effects();
            trigger(rb);
            assertThat(effects()).containsExactly("released B", "allocated E@1");
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated D@0");
        }

        @Test
        void aDestroyOfAWaitingRequestTakesEffectRightAfterItIsAllocated() {
            memoryOf(1);
            Request a = create("A", 1);
            trigger(destroy(a));
            assertThat(effects()).isEmpty();
            assertThat(trigger(a)).isEqualTo(SUCCESS_NOW);
            assertThat(effects()).containsExactly("allocated A@0", "released A");
            assertThat(a.state()).isEqualTo(Request.State.FREED);
            assertThat(planner.used()).isZero();
            assertThat(planner.peakUsed()).isEqualTo(BUCKET);
        }

        @Test
        void aDestroyOfAWaitingRequestThatThenFailsIsANoOp() {
            memoryOf(1);
            allocated("A", 1);
            Request b = create("B", 1);
            trigger(destroy(b));
            assertThat(trigger(b)).isEqualTo(FAILURE_NOW);
            assertThat(effects()).containsExactly("allocated A@0", "failed B NEVER_FITS", "released B");
        }

        @Test
        void aDestroyOfAPromisedRequestTakesEffectRightAfterItIsAllocated() {
            memoryOf(1);
            Request a = allocated("A", 1);
            Release x = destroy(a);
            Request b = create("B", 1);
            assertThat(trigger(b)).isEqualTo(ACCEPTED);
            Release rb = destroy(b);
            trigger(rb);
            assertThat(rb.state()).isEqualTo(Release.State.TRIGGERED);
            effects();
            trigger(x);
            assertThat(effects()).containsExactly("released A", "allocated B@0", "released B");
            assertThat(planner.used()).isZero();
        }

        @Test
        void aChainOfPromisesBehindOneInstanceThatFillsTheMemoryCompletesInOrderWhenReleasedAtOnce() {
            memoryOf(1);
            Request first = allocated("A0", 1);
            Release firstDestroy = destroy(first);
            List<Release> destroys = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                Request next = create("A" + i, 1);
                assertThat(createNow(next)).isEqualTo(ACCEPTED);
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
            Request a = allocated("A", 1);
            Release ra = destroy(a);
            Request b = create("B", 1);
            assertThat(createNow(b)).isEqualTo(ACCEPTED);
            Release rb = destroy(b);
            Request c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(ACCEPTED);
            effects();
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated B@0");
            assertThat(c.state()).isEqualTo(Request.State.PROMISED);
            trigger(rb);
            assertThat(effects()).containsExactly("released B", "allocated C@0");
        }

        @Test
        void aSecondDestroyOfTheSameInstanceIsRefusedUnlessTheFirstWasCancelled() {
            memoryOf(1);
            Request a = allocated("A", 1);
            Release first = destroy(a);
            assertThatThrownBy(() -> destroy(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("instance already destroyed: request=0 release=0 releaseState=PENDING");
            poison(first);
            Release second = destroy(a);
            trigger(second);
            assertThatThrownBy(() -> destroy(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("instance already destroyed: request=0 release=1 releaseState=DONE");
        }
    }

    @Nested
    class CancelledReleases {

        @Test
        void aPromiseThatCountedOnACancelledReleaseMovesToAnotherPlaceItMayCountOn() {
            memoryOf(3);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = allocated("C", 1);
            Release x = destroy(a);
            Release y = destroy(c);
            Request d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(d.plannedOffset())).isZero();
            effects();
            poison(x);
            assertThat(effects()).isEmpty();
            assertThat(bucketOf(d.plannedOffset())).isEqualTo(2);
            assertThat(d.outcome()).isEqualTo(ACCEPTED);
            trigger(y);
            assertThat(effects()).containsExactly("released C", "allocated D@2");
            assertThat(a.state()).isEqualTo(Request.State.LIVE);
        }

        @Test
        void aPromiseWithNoOtherPlaceFailsAndEveryOtherPromiseHolds() {
            memoryOf(3);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = allocated("C", 1);
            Release x = destroy(a);
            Release y = destroy(c);
            Request d = create("D", 1);
            Request e = create("E", 1);
            assertThat(trigger(d)).isEqualTo(ACCEPTED);
            assertThat(trigger(e)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(2);
            effects();
            poison(x);
            assertThat(effects()).containsExactly("failed D RELEASE_CANCELLED");
            assertThat(d.failure().cancelledReleaseOwner()).isEqualTo("A");
            assertThat(d.failure().message()).endsWith(" cancelledReleaseOf=A");
            assertThat(bucketOf(e.plannedOffset())).isEqualTo(2);
            trigger(y);
            assertThat(effects()).containsExactly("released C", "allocated E@2");
        }

        @Test
        void aCancelledReleaseOfAPromisedInstanceFailsTheChainBehindIt() {
            memoryOf(1);
            Request a = allocated("A", 1);
            Release ra = destroy(a);
            Request b = create("B", 1);
            assertThat(createNow(b)).isEqualTo(ACCEPTED);
            Release rb = destroy(b);
            Request c = create("C", 1);
            assertThat(createNow(c)).isEqualTo(ACCEPTED);
            effects();
            poison(rb);
            assertThat(effects()).containsExactly("failed C RELEASE_CANCELLED");
            assertThat(c.failure().cancelledReleaseOwner()).isEqualTo("B");
            trigger(ra);
            assertThat(effects()).containsExactly("released A", "allocated B@0");
        }

        @Test
        void aPromiseThatOverlapsTheInstanceButNeverCountedOnItsReleaseStaysPut() {
            memoryOf(1);
            Request l = allocated("L", 1);
            Release rl = destroy(l);
            Request p = create("P", 1);
            Release rp = destroy(p);
            Request x = create("X", 1);
            assertThat(trigger(p)).isEqualTo(ACCEPTED);
            assertThat(trigger(x)).isEqualTo(ACCEPTED);  // counts on P's destroy, requested before it
            Release rx = destroy(x);
            effects();
            poison(rx);  // P was planned before X's destroy existed: it never counted on it
            assertThat(effects()).isEmpty();
            assertThat(p.state()).isEqualTo(Request.State.PROMISED);
            trigger(rl);
            trigger(rp);
            assertThat(effects()).containsExactly("released L", "allocated P@0", "released P", "allocated X@0");
        }

        @Test
        void aCancelledReleaseOfAWaitingInstanceAffectsNoOne() {
            memoryOf(2);
            allocated("A", 1);
            Request b = create("B", 1);
            Release rb = destroy(b);
            poison(rb);
            assertThat(rb.state()).isEqualTo(Release.State.CANCELLED);
            assertThat(trigger(b)).isEqualTo(SUCCESS_NOW);
            trigger(destroy(b));
            assertThat(effects()).containsExactly("allocated A@0", "allocated B@1", "released B");
        }
    }

    @Nested
    class EarlyCompletion {

        @Test
        void aPromiseCompletesEarlyInBytesFreedByALaterRelease() {
            memoryOf(3);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = allocated("C", 1);
            Release x = destroy(a);
            Request d = create("D", 1);
            assertThat(trigger(d)).isEqualTo(ACCEPTED);
            Release later = destroy(c);  // requested after D's create: not counted, but usable once done
            effects();
            trigger(later);
            assertThat(effects()).containsExactly("released C", "allocated D@2");
            assertThat(d.outcome()).isEqualTo(EVENTUAL_SUCCESS);
            trigger(x);
            assertThat(effects()).containsExactly("released A");
        }

        @Test
        void aSmallPromiseNeverTakesTheHoleALargerPromiseWasPlannedIn() {
            memoryOf(4);
            Request a = allocated("A", 1);
            Request b = allocated("B", 1);
            Request c = allocated("C", 1);
            allocated("D", 1);
            Release x = destroy(a);
            Release y = destroy(b);
            Request large = create("LARGE", 2);
            assertThat(trigger(large)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(large.plannedOffset())).isZero();
            Release z = destroy(c);
            Request small = create("SMALL", 1);
            assertThat(trigger(small)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(small.plannedOffset())).isEqualTo(2);
            effects();
            trigger(x);  // bucket 0 is free, but it belongs to LARGE's plan
            assertThat(effects()).containsExactly("released A");
            assertThat(small.state()).isEqualTo(Request.State.PROMISED);
            trigger(y);
            assertThat(effects()).containsExactly("released B", "allocated LARGE@0");
            trigger(z);
            assertThat(effects()).containsExactly("released C", "allocated SMALL@2");
        }

        @Test
        void aCompletionThatFreesItsBytesAtOnceLetsAnOlderPromiseCompleteEarlyThere() {
            memoryOf(3);
            Request a = allocated("A", 1);
            allocated("B", 1);
            Request c = allocated("C", 1);
            Release ra = destroy(a);
            Request older = create("OLDER", 1);
            assertThat(trigger(older)).isEqualTo(ACCEPTED);
            Release rc = destroy(c);
            Request younger = create("YOUNGER", 1);
            assertThat(trigger(younger)).isEqualTo(ACCEPTED);
            assertThat(bucketOf(older.plannedOffset())).isZero();
            assertThat(bucketOf(younger.plannedOffset())).isEqualTo(2);
            trigger(destroy(younger));  // destroyed before it is even allocated
            effects();
            trigger(rc);  // bucket 2 is YOUNGER's: OLDER may not take it while that promise stands
            assertThat(effects()).containsExactly("released C",
                    "allocated YOUNGER@2", "released YOUNGER", "allocated OLDER@2");
            trigger(ra);
            assertThat(effects()).containsExactly("released A");
        }
    }

    @Nested
    class Misuse {

        @Test
        void aRequestIsDecidedOnlyOnce() {
            memoryOf(1);
            Request a = allocated("A", 1);
            assertThatThrownBy(() -> trigger(a))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot decide a request that is not waiting")
                    .hasMessageContaining("state=LIVE");
        }

        @Test
        void aReleaseTriggersOnlyOnce() {
            memoryOf(1);
            Release x = destroy(allocated("A", 1));
            trigger(x);
            assertThatThrownBy(() -> trigger(x))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot trigger a release that is not pending: release[sequence=0 request=0 state=DONE]");
            assertThatThrownBy(() -> poison(x)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aRequestFromAnotherMemoryIsRefused() {
            memoryOf(1);
            Request foreign = new AllocationPlanner(BUCKET, true).newRequest(1, 1, "F");
            assertThatThrownBy(() -> trigger(foreign))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("request belongs to another memory");
        }

        @Test
        void alignmentMustBeAPowerOfTwo() {
            memoryOf(1);
            assertThatThrownBy(() -> planner.newRequest(8, 24, "A"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("alignment must be a power of two: alignment=24");
        }
    }

    @Test
    void accountingFollowsEveryState() {
        memoryOf(2);
        Request a = allocated("A", 1);
        Request w = create("W", 1);
        Release ra = destroy(a);
        allocated("B", 1);
        Request p = create("P", 1);
        assertThat(trigger(p)).isEqualTo(ACCEPTED);
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
