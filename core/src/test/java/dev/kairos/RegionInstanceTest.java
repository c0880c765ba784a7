package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API overview's rules for region instances (dev.kairos package-info, "Memories, instances,
 * layouts and accessors"): create, ready, destroy, accessors.
 */
@Timeout(30)
class RegionInstanceTest {
    private static final Map<Integer, Long> FIELDS = Map.of(101, 8L, 102, 16L);

    private final Kairos kairos = InProcessTestBackend.start(1 << 20);
    private final Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();

    @AfterEach
    void close() {
        kairos.close();
    }

    @Test
    void createReturnsAtOnceAndAllocatesOnlyWhenThePreconditionTriggers() {
        UserEvent start = kairos.createUserEvent();
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 99), FIELDS, 1, start);
        assertThat(inst.ready().hasTriggered()).isFalse();
        assertThat(sys.used()).isZero();
        start.trigger();
        inst.ready().await();
        assertThat(sys.used()).isEqualTo(3200);
        inst.destroy().await();
        assertThat(sys.used()).isZero();
        assertThat(sys.peakUsed()).isEqualTo(3200);
    }

    @Test
    void destroyFreesOnlyOnceItsPreconditionTriggers() {
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 99), FIELDS, 1, Event.NO_EVENT);
        UserEvent done = kairos.createUserEvent();
        Event gone = inst.destroy(done);
        assertThat(gone.hasTriggered()).isFalse();
        assertThat(sys.used()).isEqualTo(3200);
        done.trigger();
        gone.await();
        assertThat(sys.used()).isZero();
    }

    @Test
    void aSecondDestroyIsAnIllegalStateExceptionUnlessTheFirstWasCancelled() {
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, Event.NO_EVENT);
        UserEvent doomed = kairos.createUserEvent();
        Event cancelled = inst.destroy(doomed);
        assertThatThrownBy(inst::destroy).isInstanceOf(IllegalStateException.class).hasMessageContaining("already destroyed");
        doomed.cancel();
        assertThat(cancelled.isPoisoned()).isTrue();
        assertThat(sys.used()).as("a cancelled destroy leaves the instance allocated").isEqualTo(320);
        inst.destroy().await();
        assertThat(sys.used()).isZero();
        assertThatThrownBy(inst::destroy).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPoisonedCreatePreconditionCancelsTheAllocationAndItsDestroyIsANoOp() {
        UserEvent doomed = kairos.createUserEvent();
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, doomed);
        Event gone = inst.destroy();
        doomed.cancel();
        assertThat(inst.ready().isPoisoned()).isTrue();
        gone.await();
        assertThat(sys.used()).isZero();
        assertThat(sys.peakUsed()).isZero();
    }

    @Test
    void accessorsWriteAndReadTheInstancesBytes() {
        RegionInstance inst = RegionInstance.create(sys, Rect.of(10, 19), FIELDS, 1, Event.NO_EVENT);
        inst.ready().await();
        AffineAccessor f1 = inst.accessor(101);
        AffineAccessor f2 = inst.accessor(102);
        assertThat(f1.stride()).isEqualTo(32);
        assertThat(f1.fieldSize()).isEqualTo(8);
        assertThat(f1.fieldId()).isEqualTo(101);
        assertThat(f1.bounds()).isEqualTo(Rect.of(10, 19));
        assertThat(f1.segment().byteSize()).isEqualTo(320);
        for (long p = 10; p <= 19; p++) {
            f1.segment().set(ValueLayout.JAVA_INT, f1.offset(p), (int) (p + 1));
            f2.segment().set(ValueLayout.JAVA_LONG, f2.offset(p), p + 2);
        }
        assertThat(f1.offset(10)).isZero();
        assertThat(f2.offset(11)).isEqualTo(48);
        assertThat(f1.segment().get(ValueLayout.JAVA_INT, f1.offset(15))).isEqualTo(16);
        assertThat(inst.accessor(102).segment().get(ValueLayout.JAVA_LONG, f2.offset(19))).isEqualTo(21);
        inst.destroy().await();
    }

    @Test
    void anOutOfBoundsPointThrowsAndTouchesNothing() {
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, Event.NO_EVENT);
        inst.ready().await();
        AffineAccessor f2 = inst.accessor(102);
        byte[] before = f2.segment().toArray(ValueLayout.JAVA_BYTE);
        assertThatThrownBy(() -> f2.offset(10)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("point=10");
        assertThatThrownBy(() -> f2.offset(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> f2.segment().set(ValueLayout.JAVA_LONG, 320, 1L)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(f2.segment().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        inst.destroy().await();
    }

    @Test
    void accessorsAreRefusedBeforeReadyAfterDestroyAndForUnknownFields() {
        UserEvent start = kairos.createUserEvent();
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, start);
        assertThatThrownBy(() -> inst.accessor(101)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not ready");
        start.trigger();
        inst.ready().await();
        assertThatThrownBy(() -> inst.accessor(7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field 7");
        inst.destroy().await();
        assertThatThrownBy(() -> inst.accessor(101)).isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
    }

    @Test
    void badCreateArgumentsGetTheErrorsTheContractNames() {
        Rect bounds = Rect.of(0, 9);
        assertThatThrownBy(() -> RegionInstance.create(null, bounds, FIELDS, 1, Event.NO_EVENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory is null");
        assertThatThrownBy(() -> RegionInstance.create(sys, bounds, Map.of(101, 0L), 1, Event.NO_EVENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=0");
        assertThatThrownBy(() -> RegionInstance.create(sys, bounds, FIELDS, 3, Event.NO_EVENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockSize=3");
        assertThatThrownBy(() -> RegionInstance.create(sys, Rect.of(0, 1 << 20), FIELDS, 1, Event.NO_EVENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(((1L << 20) + 1) * 32))
                .hasMessageContaining("capacity=" + (1 << 20));
        assertThat(sys.used()).isZero();
    }

    /** Guards the depth-first dispatch: a merge between an event and a destroy must not let a later create go first. */
    @Test
    void aDestroyBehindAMergeFreesBeforeACreateRegisteredLaterOnTheSameEvent() {
        UserEvent used = kairos.createUserEvent();
        RegionInstance first = RegionInstance.create(sys, Rect.of(0, 99), FIELDS, 1, Event.NO_EVENT);
        first.destroy(Event.mergeIgnoringFaults(java.util.List.of(used)));
        RegionInstance second = RegionInstance.create(sys, Rect.of(0, 99), FIELDS, 1, used);
        used.trigger();
        second.ready().await();
        assertThat(sys.peakUsed()).as("the second instance reuses the first one's bytes").isEqualTo(3200);
        second.destroy().await();
    }

    @Test
    void profilingReportsTheAllocationResultFirstThenTimelineUsageAndStatus() throws Exception {
        var responses = new java.util.concurrent.LinkedBlockingQueue<ProfilingResponse>();
        ProfilingRequestSet prs = ProfilingRequestSet.builder()
                .measure(InstanceAllocResult.class, InstanceTimeline.class, InstanceMemoryUsage.class, InstanceStatus.class)
                .onResponse(responses::add)
                .build();
        UserEvent start = kairos.createUserEvent();
        RegionInstance inst = RegionInstance.create(sys, Rect.of(0, 99), FIELDS, 1, prs, start);
        start.trigger();
        ProfilingResponse first = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.subject()).isSameAs(inst);
        assertThat(first.get(InstanceAllocResult.class)).contains(new InstanceAllocResult(true));
        assertThat(first.has(InstanceTimeline.class)).as("the timeline comes when the instance's life ends").isFalse();
        inst.destroy().await();
        ProfilingResponse last = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(last).isNotNull();
        InstanceTimeline t = last.get(InstanceTimeline.class).orElseThrow();
        assertThat(t.created()).isPositive();
        assertThat(t.ready()).isGreaterThanOrEqualTo(t.created());
        assertThat(t.deleted()).isGreaterThanOrEqualTo(t.ready());
        assertThat(last.get(InstanceMemoryUsage.class)).contains(new InstanceMemoryUsage(sys, 3200));
        assertThat(last.get(InstanceStatus.class).orElseThrow().result()).isEqualTo(InstanceStatus.Result.DESTROYED_SUCCESSFULLY);
    }

    @Test
    void profilingReportsAFailedAllocationWithItsMessage() throws Exception {
        var responses = new java.util.concurrent.LinkedBlockingQueue<ProfilingResponse>();
        ProfilingRequestSet prs = ProfilingRequestSet.builder()
                .measure(InstanceAllocResult.class, InstanceStatus.class)
                .onResponse(responses::add)
                .build();
        RegionInstance filler = RegionInstance.create(sys, Rect.of(0, (1 << 20) / 32 - 1), FIELDS, 1, Event.NO_EVENT);
        RegionInstance refused = RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, prs, Event.NO_EVENT);
        assertThat(refused.ready().isPoisoned()).isTrue();
        List<ProfilingResponse> got = new java.util.ArrayList<>();
        while (got.size() < 2) {
            ProfilingResponse r = responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            got.add(r);
        }
        assertThat(got).anySatisfy(r -> assertThat(r.get(InstanceAllocResult.class)).contains(new InstanceAllocResult(false)));
        assertThat(got).anySatisfy(r -> assertThat(r.get(InstanceStatus.class)).hasValueSatisfying(st -> {
            assertThat(st.result()).isEqualTo(InstanceStatus.Result.FAILED_ALLOCATION);
            assertThat(st.message()).contains("mem:sys", "bytes=320", "capacity=1048576");
        }));
        filler.destroy().await();
    }

    @Test
    void aMemoryWarnsOfItsFirstTenFailedAllocationsAndSaysWhenItStops() {
        RegionInstance filler = RegionInstance.create(sys, Rect.of(0, (1 << 20) / 32 - 1), FIELDS, 1, Event.NO_EVENT);
        String log = LogCapture.stderrOf(() -> {
            for (int i = 0; i < 11; i++) {
                assertThat(RegionInstance.create(sys, Rect.of(0, 9), FIELDS, 1, Event.NO_EVENT).ready().isPoisoned()).isTrue();
            }
        });
        assertThat(log.lines().filter(line -> line.contains("WARN") && line.contains("failed: "))).hasSize(10);
        assertThat(log).containsOnlyOnce("(further allocation failures in mem:sys are logged at DEBUG)");
        filler.destroy().await();
    }

    @Test
    void instancesAreHandlesPrintedAsInstN() {
        RegionInstance a = RegionInstance.create(sys, Rect.of(0, 0), FIELDS, 1, Event.NO_EVENT);
        RegionInstance b = RegionInstance.create(sys, Rect.of(0, 0), FIELDS, 1, Event.NO_EVENT);
        assertThat(a.toString()).isEqualTo("inst:" + a.id());
        assertThat(a.compareTo(b)).isNegative();
        assertThat(a.memory()).isEqualTo(sys);
        a.destroy();
        b.destroy().await();
    }
}
