package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The smaller ones of issue 12, point 7: each misuse gets the error or behaviour a user would
 * expect, never an overflow, a silent hang or a message-less exception.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class MisuseTest {

    @Test
    void anyTimeoutIsAcceptedEvenOneTooLongForNanoseconds() {
        for (Duration huge : List.of(Duration.ofDays(1_000_000), ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE))) {
            assertThat(Event.NO_EVENT.await(huge)).as("%s", huge).isEqualTo(Event.Status.TRIGGERED);
        }
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            UserEvent later = kairos.createUserEvent();
            Thread.ofPlatform().start(later::trigger);
            assertThat(later.await(ChronoUnit.FOREVER.getDuration())).isEqualTo(Event.Status.TRIGGERED);
            assertThat(kairos.awaitTermination(Duration.ofSeconds(-1))).isFalse();
        }
        assertThatThrownBy(() -> Event.NO_EVENT.await(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("timeout");
    }

    @Test
    void aUserEventTriggeredOnItselfIsAnIllegalArgumentExceptionNotASilentHang() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            UserEvent u = kairos.createUserEvent();
            assertThatThrownBy(() -> u.trigger(u)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(u + ".trigger(" + u + ")").hasMessageContaining("itself");
            u.trigger(); // the refused call did not claim it
            assertThat(u.hasTriggered()).isTrue();
        }
    }

    @Test
    void nullArgumentsGetMessagesThatNameThem() {
        assertThatThrownBy(() -> Event.merge((Event) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("events[0]");
        assertThatThrownBy(() -> Event.merge(Event.NO_EVENT, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("events[1]");
        assertThatThrownBy(() -> Event.merge((Event[]) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("events is null");
        assertThatThrownBy(() -> Event.merge((List<Event>) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("events is null");
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            assertThatThrownBy(() -> kairos.registerTask("t", Void.class, (TaskVariant<Void>) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("variants[0]");
            assertThatThrownBy(() -> kairos.registerTask("t", Void.class, (TaskVariant<Void>[]) null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("variants is null");
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            assertThatThrownBy(() -> cpu.spawn(null, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("task is null");
            assertThatThrownBy(() -> kairos.shutdown(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("after is null");
        }
    }

    @Test
    void sizesThatWouldOverflowAndFarTooManyProcessorsAreRefusedAtStartWithKeyAndLimit() {
        KairosConfig huge = KairosConfig.builder().cpuProcessors(1).systemMemory(Long.MAX_VALUE).zeroCopyMemory(Long.MAX_VALUE).build();
        assertThat(huge.problems()).hasSize(2);
        assertThatThrownBy(() -> InProcessTestBackend.start(huge)).isInstanceOf(KairosException.class)
                .hasMessageContaining("systemMemory=9223372036854775807 (at most 4611686018427387904 bytes")
                .hasMessageContaining("zeroCopyMemory=9223372036854775807");
        int limit = KairosConfig.defaultMaxCpuProcessors();
        KairosConfig many = KairosConfig.builder().cpuProcessors(100_000).build();
        assertThatThrownBy(() -> InProcessTestBackend.start(many)).isInstanceOf(KairosException.class)
                .hasMessageContaining("cpuProcessors=100000 (at most maxCpuProcessors=" + limit);
        assertThat(KairosConfig.builder().cpuProcessors(limit + 1).maxCpuProcessors(limit + 1).build().problems()).isEmpty();
        assertThat(KairosConfig.builder().closeGracePeriod(Duration.ofSeconds(-1)).build().problems())
                .containsExactly("closeGracePeriod=PT-1S (must be a duration >= 0)");
    }

    @Test
    void aProfilingHandlerThatBlocksNeitherHoldsUpCopiesNorClose() throws InterruptedException {
        CountDownLatch handlerEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProfilingRequestSet blocking = ProfilingRequestSet.builder().measure(OperationStatus.class).onResponse(r -> {
            handlerEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).build();
        Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20)
                .closeGracePeriod(Duration.ofMillis(200)).build());
        try {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            Rect rect = Rect.of(0, 9);
            RegionInstance a = RegionInstance.create(sys, rect, Map.of(1, 8L), 1, Event.NO_EVENT);
            RegionInstance b = RegionInstance.create(sys, rect, Map.of(1, 8L), 1, Event.NO_EVENT);
            rect.fill(List.of(CopyField.of(a, 1)), new byte[8], blocking, Event.NO_EVENT).await();
            handlerEntered.await();
            // The handler now blocks: a copy on the utility processor and close() go on regardless.
            rect.copy(List.of(CopyField.of(a, 1)), List.of(CopyField.of(b, 1)), ProfilingRequestSet.NONE, Event.NO_EVENT).await();
            kairos.close();
        } finally {
            release.countDown();
        }
    }
}
