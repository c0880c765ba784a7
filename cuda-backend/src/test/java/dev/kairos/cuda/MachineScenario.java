package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Kairos;
import dev.kairos.Machine;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import java.util.List;

/** The machine the CUDA backend builds, checked the same way over the test double and on a GPU. */
final class MachineScenario {
    private MachineScenario() {}

    static void check(Kairos kairos, int gpus) {
        Machine machine = kairos.machine();
        List<Processor> gpuProcessors = machine.processors().kind(ProcessorKind.GPU).list();
        assertThat(gpuProcessors).hasSize(gpus);
        List<Memory> framebuffers = machine.memories().kind(MemoryKind.GPU_FB).list();
        assertThat(framebuffers).hasSize(gpus);
        Memory zeroCopy = machine.memories().kind(MemoryKind.ZERO_COPY).first().orElseThrow();
        Memory sys = machine.memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
        assertThat(zeroCopy.toString()).isEqualTo("mem:zcopy");
        assertThat(zeroCopy.capacity()).isEqualTo(kairos.config().zeroCopyMemory());
        for (int i = 0; i < gpus; i++) {
            Processor gpu = gpuProcessors.get(i);
            Memory fb = framebuffers.get(i);
            assertThat(fb.capacity()).isEqualTo(kairos.config().gpuFramebufferMemory());
            assertThat(fb.toString()).isEqualTo("mem:" + gpu.name() + ".fb");
            assertThat(machine.memories().bestAffinityTo(gpu).first()).contains(fb);
            assertThat(machine.affinity(gpu, zeroCopy).isEmpty()).isFalse();
            assertThat(machine.affinity(gpu, sys).isEmpty()).isTrue();
            for (Memory other : framebuffers) {
                assertThat(machine.affinity(gpu, other).isEmpty()).isEqualTo(other != fb);
                assertThat(machine.affinity(fb, other).isEmpty()).isFalse();
            }
            for (Memory host : List.of(sys, zeroCopy)) {
                assertThat(machine.affinity(host, fb).isEmpty()).as(host + " -> " + fb).isFalse();
                assertThat(machine.affinity(fb, host).isEmpty()).as(fb + " -> " + host).isFalse();
            }
        }
        for (Processor p : machine.processors().list()) {
            if (p.kind() != ProcessorKind.GPU) {
                assertThat(machine.affinity(p, zeroCopy).isEmpty()).as(p + " -> zcopy").isFalse();
            }
        }
        assertThat(machine.affinity(zeroCopy, zeroCopy).isEmpty()).isFalse();
        assertThat(machine.affinity(zeroCopy, sys).isEmpty()).isFalse();
        assertThat(machine.affinity(sys, zeroCopy).isEmpty()).isFalse();
        assertThat(machine.backends()).anySatisfy(b -> {
            assertThat(b.name()).isEqualTo("cuda");
            assertThat(b.available()).isTrue();
            assertThat(b.detail()).startsWith(gpus + (gpus == 1 ? " GPU: gpu" : " GPUs: gpu"));
        });
    }
}
