package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starting, configuring, querying and closing a runtime. */
@Timeout(30)
class KairosTest {

    @Test
    void anInvalidConfigurationFailsStartNamingEveryProblem() {
        KairosConfig bad = KairosConfig.builder().cpuProcessors(0).systemMemory(-1).zeroCopyMemory(-2).build();
        assertThat(bad.problems()).hasSize(3);
        assertThatThrownBy(() -> InProcessTestBackend.start(bad))
                .isInstanceOf(KairosException.class)
                .hasMessageContaining("cpuProcessors=0")
                .hasMessageContaining("systemMemory=-1")
                .hasMessageContaining("zeroCopyMemory=-2");
        assertThatThrownBy(() -> Kairos.start(bad)).isInstanceOf(KairosException.class);
    }

    @Test
    void defaultsAreThoseOfTheContract() {
        KairosConfig c = KairosConfig.builder().build();
        assertThat(c.cpuProcessors()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        assertThat(c.systemMemory()).isEqualTo(512L << 20);
        assertThat(c.gpuFramebufferMemory()).isEqualTo(256L << 20);
        assertThat(c.zeroCopyMemory()).isEqualTo(64L << 20);
        assertThat(c.cuda()).isEqualTo(CudaMode.AUTO);
        assertThat(c.deferredAllocation()).isTrue();
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void requiredCudaWithoutACudaBackendFailsStartSayingWhy() {
        KairosConfig required = KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20).cuda(CudaMode.REQUIRED).build();
        assertThatThrownBy(() -> InProcessTestBackend.start(required))
                .isInstanceOf(KairosException.class)
                .hasMessageContaining("cuda=REQUIRED")
                .hasMessageContaining("not on the class path");
    }

    @Test
    void theMachineAnswersQueriesByKindCapacityAndAffinity() {
        try (Kairos kairos = InProcessTestBackend.start(KairosConfig.builder().cpuProcessors(2).systemMemory(4096).build())) {
            Machine machine = kairos.machine();
            List<Processor> cpus = machine.processors().kind(ProcessorKind.CPU).list();
            assertThat(cpus).hasSize(2).extracting(Processor::toString).containsExactly("proc:cpu0", "proc:cpu1");
            assertThat(machine.processors().kind(ProcessorKind.UTILITY).count()).isEqualTo(1);
            assertThat(machine.processors().kind(ProcessorKind.GPU).first()).isEmpty();
            Memory sys = machine.memories().kind(MemoryKind.SYSTEM).hasCapacity(1).hasAffinityTo(cpus.get(0)).first().orElseThrow();
            assertThat(sys.toString()).isEqualTo("mem:sys");
            assertThat(sys.capacity()).isEqualTo(4096);
            assertThat(machine.memories().hasCapacity(4097).count()).isZero();
            assertThat(machine.affinity(cpus.get(0), sys).isEmpty()).isFalse();
            assertThat(machine.processors().hasAffinityTo(sys).list()).containsExactlyElementsOf(cpus);
            assertThat(machine.memories().bestAffinityTo(cpus.get(1)).first()).contains(sys);
            assertThat(machine.affinity(sys, sys).isEmpty()).isFalse();
            assertThat(machine.backends()).extracting(BackendStatus::name).containsExactly("in-process-test");
        }
    }

    @Test
    void closeWaitsForEveryOutstandingOperation() {
        AtomicInteger ran = new AtomicInteger();
        Kairos kairos = InProcessTestBackend.start(1 << 20);
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        TaskId<Void> slow = kairos.registerTask("slow", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
            for (int i = 0; i < 1000; i++) {
                Thread.onSpinWait();
            }
            ran.incrementAndGet();
        }));
        Event previous = Event.NO_EVENT;
        for (int i = 0; i < 200; i++) {
            previous = cpu.spawn(slow, null, previous);
        }
        kairos.close();
        assertThat(ran).hasValue(200);
        assertThat(previous.hasTriggered()).isTrue();
    }

    @Test
    void aClosedRuntimeRefusesNewWorkAndCloseIsIdempotent() {
        Kairos kairos = InProcessTestBackend.start(1 << 20);
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        TaskId<Void> noop = kairos.registerTask("noop", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
        kairos.close();
        kairos.close();
        assertThatThrownBy(() -> cpu.spawn(noop, null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(kairos::createUserEvent).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeFromInsideATaskIsRefusedBecauseItWouldWaitForItself() {
        try (Kairos kairos = InProcessTestBackend.start(1 << 20)) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            TaskId<Void> closer = kairos.registerTask("closer", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
                try {
                    ctx.kairos().close();
                } catch (IllegalStateException e) {
                    thrown.set(e);
                }
            }));
            cpu.spawn(closer, null).await();
            assertThat(thrown.get()).hasMessageContaining("inside a task");
        }
    }

    @Test
    void closeWarnsOnceAboutInstancesThatWereNeverDestroyed() {
        Kairos kairos = InProcessTestBackend.start(1 << 20);
        Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        RegionInstance.create(sys, Rect.of(0, 99), Map.of(1, 8L), 1, Event.NO_EVENT).ready().await();
        RegionInstance.create(sys, Rect.of(0, 49), Map.of(1, 8L), 1, Event.NO_EVENT).ready().await();
        assertThat(sys.stats().liveInstances()).isEqualTo(2);
        String log = LogCapture.stderrOf(kairos::close);
        assertThat(log).containsOnlyOnce("2 instance(s) never destroyed, holding 1200 bytes");
    }
}
