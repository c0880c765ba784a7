package dev.kairos.tutorials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.AffineAccessor;
import dev.kairos.CudaMode;
import dev.kairos.Event;
import dev.kairos.InstanceAllocationException;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.TaskVariant;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Realm's deferred-allocation tutorial, end to end on the CPU backend. */
class DeferredAllocationTest {
    private static final long ONE_INSTANCE = 1_398_112;

    private static Kairos start(long systemMemory, boolean pressureDeferral) {
        return Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(systemMemory)
                .deferredAllocation(pressureDeferral).cuda(CudaMode.OFF).build());
    }

    private static Plan plan(Kairos kairos, long batches, int blockSize, boolean eager) {
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        return new Plan(cpu, sys, batches, DeferredAllocation.DEFAULT_BATCH_BYTES, blockSize, eager);
    }

    @ParameterizedTest(name = "{0} batches, block size {1}")
    @CsvSource({"2, 1", "2, 0", "1000, 1", "1000, 0"})
    void everyBatchVerifiesAndTheMemoryHoldsOneInstanceAtATime(long batches, int blockSize) {
        try (Kairos kairos = start(64L << 20, true)) {
            Plan plan = plan(kairos, batches, blockSize, false);
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan, done -> {});
            assertThat(r.verified()).isEqualTo(batches);
            assertThat(r.allVerified()).isTrue();
            assertThat(r.memory().peakUsed()).isEqualTo(plan.instanceBytes());
            assertThat(r.memory().used()).isZero();
        }
    }

    @Test
    void aMemoryOfExactlyOneInstanceRunsAThousandChainedBatches() {
        try (Kairos kairos = start(ONE_INSTANCE, true)) {
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan(kairos, 1000, 1, false), d -> {});
            assertThat(r.verified()).isEqualTo(1000);
            assertThat(r.memory().peakUsed()).isEqualTo(ONE_INSTANCE);
            assertThat(r.memory().deferredAllocations()).as("each create waits on the previous batch, nothing on pressure").isZero();
        }
    }

    @Test
    void eagerCreationInARoomyMemoryTakesEveryBatchAtOnce() {
        try (Kairos kairos = start(512L << 20, true)) {
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan(kairos, 100, 1, true), d -> {});
            assertThat(r.verified()).isEqualTo(100);
            assertThat(r.memory().peakUsed()).isEqualTo(100 * ONE_INSTANCE).isEqualTo(139_811_200);
        }
    }

    /**
     * Any batch count runs in bounded heap: the chain is scheduled a window at a time. Eager
     * creation makes the window visible, since each scheduled batch takes its bytes at once.
     */
    @Test
    void aChainLongerThanItsWindowIsScheduledAWindowAtATimeAndVerifiesEveryBatch() {
        try (Kairos kairos = start(512L << 20, true)) {
            Plan plan = plan(kairos, 200, 1, true);
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan, d -> {}, 8);
            assertThat(r.verified()).isEqualTo(200);
            assertThat(r.memory().peakUsed()).as("at most a window and a half scheduled at once")
                    .isLessThanOrEqualTo(12 * ONE_INSTANCE).isGreaterThanOrEqualTo(8 * ONE_INSTANCE);
            assertThat(r.memory().used()).isZero();
        }
    }

    @Test
    void eagerCreationInAMemoryOfOneInstanceCompletesBecauseTheMemoryDefers() {
        try (Kairos kairos = start(ONE_INSTANCE, true)) {
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan(kairos, 50, 1, true), d -> {});
            assertThat(r.verified()).isEqualTo(50);
            assertThat(r.memory().peakUsed()).isEqualTo(ONE_INSTANCE);
            assertThat(r.memory().deferredAllocations()).isEqualTo(49);
        }
    }

    @Test
    void withoutPressureDeferralTheEagerLoopFailsAtBatchTwoAndOnlyWhatFollowsIsCancelled() {
        try (Kairos kairos = start(ONE_INSTANCE, false)) {
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), plan(kairos, 10, 1, true), d -> {});
            assertThat(r.verified()).as("batch 1 is upstream of the failure").isEqualTo(1);
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.firstFailedBatch()).isEqualTo(2);
            assertThat(r.cancelled()).isEqualTo(8);
            assertThat(r.firstFailure()).get().isInstanceOf(InstanceAllocationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("mem:sys", "bytes=1398112", "capacity=1398112",
                            "used=1398112", "pendingRelease=1398112"));
        }
    }

    @Test
    void verifyingACopyElsewhereChecksEveryBatchAndFreesBothInstances() {
        try (Kairos kairos = start(64L << 20, true)) {
            Plan same = plan(kairos, 50, 0, false);
            Plan copied = new Plan(same.processor(), same.memory(), 50, same.batchBytes(), 0, false,
                    new DeferredAllocation.Verification(same.processor(), same.memory()));
            TutorialRun.Result r = TutorialRun.run(kairos, DeferredAllocation.register(kairos), copied, d -> {});
            assertThat(r.verified()).isEqualTo(50);
            assertThat(r.memory().used()).isZero();
            assertThat(r.memory().peakUsed()).as("the batch and its copy").isEqualTo(2 * copied.instanceBytes());
        }
    }

    @Test
    void aFailedBatchGivesItsBytesBackInsteadOfHoldingThemUntilClose() {
        try (Kairos kairos = start(64L << 20, true)) {
            TaskVariant<Batch> failingReader = TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> {
                throw new IllegalStateException("reader of batch " + batch.number() + " fails");
            });
            var tasks = DeferredAllocation.register(kairos,
                    List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> DeferredAllocation.write(batch))),
                    List.of(failingReader));
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan(kairos, 3, 1, false), d -> {});
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.cancelled()).isEqualTo(2);
            assertThat(r.memory().liveInstances()).isZero();
        }
    }

    /**
     * The run waits for the batch whose end lets it schedule more, not for each batch, yet counts each:
     * a failure in the middle of a chain several windows long is counted once, where it happened, and
     * every later batch as cancelled; the progress it reports only grows, up to the batch count.
     */
    @Test
    void aFailureInAChainOfManyWindowsIsCountedWhereItHappenedAndTheRestAsCancelled() {
        try (Kairos kairos = start(64L << 20, true)) {
            TaskVariant<Batch> reader = TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> {
                if (batch.number() == 7) {
                    throw new IllegalStateException("reader of batch 7 fails");
                }
                DeferredAllocation.verify(batch);
            });
            var tasks = DeferredAllocation.register(kairos,
                    List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> DeferredAllocation.write(batch))), List.of(reader));
            Plan plan = new Plan(plan(kairos, 0, 1, false).processor(), plan(kairos, 0, 1, false).memory(), 30, 4096, 1, false);
            List<Long> progress = new java.util.ArrayList<>();
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan, progress::add, 4);
            assertThat(r.verified()).isEqualTo(6);
            assertThat(r.failed()).isEqualTo(1);
            assertThat(r.firstFailedBatch()).isEqualTo(7);
            assertThat(r.cancelled()).isEqualTo(23);
            assertThat(progress).isSorted().last().isEqualTo(30L);
            assertThat(r.memory().liveInstances()).isZero();
        }
    }

    /**
     * A stop requested while batch 5 is being written ends a chain of 100 000 batches: batch 5 still
     * finishes, no later writer runs, no batch is scheduled beyond the window and a half already
     * scheduled, and every byte is given back.
     */
    @ParameterizedTest(name = "eager: {0}")
    @CsvSource({"false", "true"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStopEndsAChainOnceTheBatchesRunningHaveFinishedAndSchedulesNoMore(boolean eager) {
        try (Kairos kairos = start(64L << 20, true)) {
            Stop stop = new Stop();
            List<Long> written = java.util.Collections.synchronizedList(new ArrayList<>());
            TaskVariant<Batch> writer = TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> {
                DeferredAllocation.write(batch);
                written.add(batch.number());
                if (batch.number() == 5) {
                    stop.request();
                }
            });
            var tasks = DeferredAllocation.register(kairos, List.of(writer),
                    List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> DeferredAllocation.verify(batch))), stop);
            Plan one = plan(kairos, 0, 1, eager);
            Plan plan = new Plan(one.processor(), one.memory(), 100_000, 4096, 1, eager);
            List<Long> progress = new ArrayList<>();
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan, progress::add, 8, stop);
            assertThat(written).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(progress.getLast()).as("batches scheduled, all finished").isLessThanOrEqualTo(5 + 8 + 4);
            assertThat(r.stopped()).isTrue();
            assertThat(r.allVerified()).isFalse();
            assertThat(r.verified()).isEqualTo(5);
            assertThat(r.failed()).isZero();
            assertThat(r.cancelled()).isZero();
            assertThat(r.notRun()).isEqualTo(100_000 - 5);
            assertThat(r.firstFailure()).isEmpty();
            assertThat(r.memory().liveInstances()).isZero();
        }
    }

    @Test
    void aStopRequestedBeforeTheRunRunsNoBatchAndARunThatEndsBeforeItsStopIsNotStopped() {
        try (Kairos kairos = start(64L << 20, true)) {
            Stop early = new Stop();
            early.request();
            TutorialRun.Result none = TutorialRun.run(kairos, DeferredAllocation.register(kairos, early), plan(kairos, 10, 1, false),
                    d -> {}, early);
            assertThat(none.stopped()).isTrue();
            assertThat(none.verified()).isZero();
            assertThat(none.notRun()).isEqualTo(10);
            assertThat(none.memory().liveInstances()).isZero();
        }
        try (Kairos kairos = start(64L << 20, true)) {
            Stop late = new Stop();
            TutorialRun.Result all = TutorialRun.run(kairos, DeferredAllocation.register(kairos, late), plan(kairos, 10, 1, false),
                    d -> {}, late);
            late.request();
            assertThat(all.stopped()).isFalse();
            assertThat(all.allVerified()).isTrue();
            assertThat(all.notRun()).isZero();
        }
    }

    @Test
    void aPlantedWrongValueIsCaughtByTheReaderNamingBatchFieldPointExpectedAndFound() {
        try (Kairos kairos = start(64L << 20, true)) {
            TaskVariant<Batch> faultyWriter = TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> {
                DeferredAllocation.write(batch);
                if (batch.number() == 2) {
                    var f2 = batch.instance().accessor(DeferredAllocation.FIELD_LONG_DOUBLE);
                    f2.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, f2.offset(1234), -7L);
                }
            });
            var tasks = DeferredAllocation.register(kairos, List.of(faultyWriter),
                    List.of(TaskVariant.on(ProcessorKind.CPU, (ctx, batch) -> DeferredAllocation.verify(batch))));
            TutorialRun.Result r = TutorialRun.run(kairos, tasks, plan(kairos, 3, 1, false), d -> {});
            assertThat(r.verified()).isEqualTo(1);
            assertThat(r.firstFailedBatch()).isEqualTo(2);
            assertThat(r.cancelled()).isEqualTo(1);
            Throwable failure = r.firstFailure().orElseThrow();
            assertThat(failure).isInstanceOf(VerificationException.class)
                    .hasMessage("batch 2, field 102, point 1234: expected {x=1236, y=1237.0}, found {x=-7, y=1237.0}");
        }
    }

    /**
     * The loops count in {@code int} where every value fits and in {@code long} elsewhere: on both
     * sides of each edge of the {@code int} range the writer stores Realm's values and the reader
     * checks them and catches a wrong one.
     */
    @ParameterizedTest(name = "points from {0}, block size {1}")
    @CsvSource({"2147483637, 1", "2147483638, 1", "-2147483648, 1", "-2147483649, 1",
        "2147483637, 0", "2147483638, 0", "-2147483648, 0", "-2147483649, 0"})
    void pointsAtTheEdgesOfTheIntRangeGetRealmsValues(long lo, int blockSize) throws VerificationException {
        try (Kairos kairos = start(64L << 20, true)) {
            Batch batch = written(kairos, Rect.of(lo, lo + 7), blockSize);
            RegionInstance instance = batch.instance();
            AffineAccessor f1 = instance.accessor(DeferredAllocation.FIELD_INT_FLOAT);
            AffineAccessor f2 = instance.accessor(DeferredAllocation.FIELD_LONG_DOUBLE);
            for (long p = lo; p <= lo + 7; p++) {
                assertThat(f1.segment().get(ValueLayout.JAVA_INT_UNALIGNED, f1.offset(p))).isEqualTo((int) (p + 1));
                assertThat(f1.segment().get(ValueLayout.JAVA_FLOAT_UNALIGNED, f1.offset(p) + 4)).isEqualTo((float) (p + 2));
                assertThat(f2.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, f2.offset(p))).isEqualTo(p + 2);
                assertThat(f2.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, f2.offset(p) + 8)).isEqualTo((double) (p + 3));
            }
            DeferredAllocation.verify(batch);
            f2.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, f2.offset(lo + 7) + 8, 0.5);
            assertThatThrownBy(() -> DeferredAllocation.verify(batch)).isInstanceOf(VerificationException.class)
                    .hasMessageContaining("field 102, point " + (lo + 7) + ": expected {x=" + (lo + 9) + ", y=" + (double) (lo + 10) + "}");
            instance.destroy().await();
        }
    }

    /**
     * The writer and the reader count the floats and doubles up by constant steps within each
     * binade (below 2^24) instead of converting each value: across every binade edge of a 70 000-point
     * batch (and a verify block's edge at 65 536) the writer's values are the converted ones, read
     * back by conversion, and a value one place off on either side of an edge, in either field's y,
     * is caught; a batch reaching past 2^24 is written and checked by converting.
     */
    @ParameterizedTest(name = "block size {0}")
    @CsvSource({"1", "0"})
    void steppedValuesAreTheConvertedOnesAndOnePlaceOffAtAnyBinadeEdgeIsCaught(int blockSize) throws VerificationException {
        try (Kairos kairos = start(64L << 20, true)) {
            Batch batch = written(kairos, Rect.of(0, 69_999), blockSize);
            RegionInstance instance = batch.instance();
            AffineAccessor f1 = instance.accessor(DeferredAllocation.FIELD_INT_FLOAT);
            AffineAccessor f2 = instance.accessor(DeferredAllocation.FIELD_LONG_DOUBLE);
            List<String> wrong = new ArrayList<>(); // the writer counts up by steps too: read back by conversion
            for (long p = 0; p <= 69_999; p++) {
                int x1 = f1.segment().get(ValueLayout.JAVA_INT_UNALIGNED, f1.offset(p));
                float y1 = f1.segment().get(ValueLayout.JAVA_FLOAT_UNALIGNED, f1.offset(p) + 4);
                long x2 = f2.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, f2.offset(p));
                double y2 = f2.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, f2.offset(p) + 8);
                if (x1 != p + 1 || y1 != (float) (p + 2) || x2 != p + 2 || y2 != (double) (p + 3)) {
                    wrong.add("point " + p + ": {" + x1 + ", " + y1 + "}, {" + x2 + ", " + y2 + "}");
                }
            }
            assertThat(wrong).isEmpty();
            DeferredAllocation.verify(batch);
            for (int k = 2; k <= 16; k++) {
                for (long p = (1L << k) - 4; p <= (1L << k) - 1; p++) {
                    long floatAt = f1.offset(p) + 4;
                    float y1 = f1.segment().get(ValueLayout.JAVA_FLOAT_UNALIGNED, floatAt);
                    f1.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, floatAt, Math.nextUp(y1));
                    assertThatThrownBy(() -> DeferredAllocation.verify(batch)).isInstanceOf(VerificationException.class)
                            .hasMessageContaining("field 101, point " + p + ":");
                    f1.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, floatAt, y1);
                    long doubleAt = f2.offset(p) + 8;
                    double y2 = f2.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, doubleAt);
                    f2.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, doubleAt, Math.nextDown(y2));
                    assertThatThrownBy(() -> DeferredAllocation.verify(batch)).isInstanceOf(VerificationException.class)
                            .hasMessageContaining("field 102, point " + p + ":");
                    f2.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, doubleAt, y2);
                }
            }
            DeferredAllocation.verify(batch);
            instance.destroy().await();

            Batch farBatch = written(kairos, Rect.of((1 << 24) - 20, (1 << 24) + 20), blockSize);
            RegionInstance far = farBatch.instance();
            DeferredAllocation.verify(farBatch);
            AffineAccessor farY = far.accessor(DeferredAllocation.FIELD_INT_FLOAT);
            assertThat(farY.segment().get(ValueLayout.JAVA_FLOAT_UNALIGNED, farY.offset((1 << 24) - 1) + 4))
                    .isEqualTo((float) ((1 << 24) + 1)); // rounded, as Realm's conversion rounds it
            far.destroy().await();
        }
    }

    /** A batch of {@code bounds} in a fresh instance of the SYSTEM memory, written by the CPU writer. */
    private static Batch written(Kairos kairos, Rect bounds, int blockSize) {
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        RegionInstance instance = RegionInstance.create(sys, bounds, DeferredAllocation.FIELD_SIZES, blockSize, Event.NO_EVENT);
        instance.ready().await();
        Batch batch = new Batch(0, instance, bounds);
        DeferredAllocation.write(batch);
        return batch;
    }
}
