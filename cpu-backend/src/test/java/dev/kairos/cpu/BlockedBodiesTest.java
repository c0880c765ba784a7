package dev.kairos.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.CudaMode;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Task bodies blocked in {@code Event.await} on a CPU processor cost no platform thread each (issue
 * 12, point 5): the CPU backend's workers are virtual threads.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // await() outlasts interrupts
class BlockedBodiesTest {
    private static final int BLOCKED = 2_000;

    @Test
    void twoThousandBodiesBlockedInAwaitHoldNoPlatformThreadEachAndAllResume() {
        try (Kairos kairos = Kairos.start(KairosConfig.builder().cpuProcessors(1).systemMemory(1 << 20).cuda(CudaMode.OFF).build())) {
            Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
            UserEvent gate = kairos.createUserEvent();
            AtomicInteger blocked = new AtomicInteger();
            AtomicInteger resumed = new AtomicInteger();
            TaskId<Void> waiter = kairos.registerTask("waiter", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
                blocked.incrementAndGet();
                gate.await();
                resumed.incrementAndGet();
            }));
            int platformBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<Event> done = new ArrayList<>(BLOCKED);
            for (int i = 0; i < BLOCKED; i++) {
                done.add(cpu.spawn(waiter, null));
            }
            TaskId<Void> probe = kairos.registerTask("probe", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
            cpu.spawn(probe, null).await(); // queued behind every waiter: they have all blocked by now
            assertThat(blocked).hasValue(BLOCKED);
            int platformThreads = ManagementFactory.getThreadMXBean().getThreadCount();
            assertThat(platformThreads - platformBefore).as("platform threads added while %d bodies wait", BLOCKED).isLessThan(50);
            gate.trigger();
            Event.merge(done).await();
            assertThat(resumed).hasValue(BLOCKED);
        }
    }
}
