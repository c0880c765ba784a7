package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.spi.Backend;
import dev.kairos.spi.ConnectPhase;
import dev.kairos.spi.HostCopyEngine;
import dev.kairos.spi.MemoryPhase;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorDriver;
import dev.kairos.spi.ProcessorPhase;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backend lifecycle in phases: every probe, then each phase for every available backend
 * before the next, then close in reverse; a failure anywhere closes every backend that was
 * available, and nothing else.
 */
@Timeout(30)
class BackendLifecycleTest {
    private static final Affinity NOMINAL = new Affinity(1000, 100);
    private static final KairosConfig ONE_CPU = KairosConfig.builder().cpuProcessors(1).systemMemory(4096).build();

    private final List<String> calls = new ArrayList<>();

    @Test
    void eachPhaseRunsForEveryBackendBeforeTheNextAndCloseRunsInReverse() {
        try (Kairos kairos = Kairos.start(ONE_CPU, List.of(new Host("a"), new Host("b")))) {
            assertThat(kairos.machine().memories().list()).extracting(Memory::toString).containsExactly("mem:a.mem", "mem:b.mem");
            assertThat(calls).containsExactly("a.probe", "b.probe", "a.memories", "b.memories", "a.processors", "b.processors",
                    "a.connect", "b.connect");
        }
        assertThat(calls).endsWith("b.close", "a.close");
    }

    @Test
    void connectSeesEveryMemoryAndProcessorWhateverTheOrderOfTheBackends() {
        for (List<String> order : List.of(List.of("host", "bridge"), List.of("bridge", "host"))) {
            List<Backend> backends = order.stream().<Backend>map(n -> n.equals("host") ? new Host("host") : new Bridge()).toList();
            try (Kairos kairos = Kairos.start(ONE_CPU, backends)) {
                Processor bridge = kairos.machine().processors().kind(ProcessorKind.CPU).list().stream()
                        .filter(p -> p.toString().equals("proc:bridge0")).findFirst().orElseThrow();
                Memory host = kairos.machine().memories().list().stream()
                        .filter(m -> m.toString().equals("mem:host.mem")).findFirst().orElseThrow();
                assertThat(kairos.machine().affinity(bridge, host).isEmpty()).as("order %s", order).isFalse();
                assertThat(kairos.machine().processors().kind(ProcessorKind.UTILITY).first().map(u -> kairos.machine().affinity(u, host)))
                        .as("the utility processor reaches the host's memory, order %s", order)
                        .hasValueSatisfying(a -> assertThat(a.isEmpty()).isFalse());
            }
        }
    }

    @Test
    void anUnavailableBackendIsProbedAndNothingMoreAndSaysWhy() {
        Host off = new Host("off").unavailable("no such hardware here");
        try (Kairos kairos = Kairos.start(ONE_CPU, List.of(new Host("on"), off))) {
            assertThat(kairos.machine().backends()).extracting(BackendStatus::toString)
                    .containsExactly("on: on test backend", "off: unavailable — no such hardware here");
        }
        assertThat(calls).filteredOn(c -> c.startsWith("off.")).containsExactly("off.probe");
    }

    @Test
    void aPhaseThatFailsClosesEveryAvailableBackendWhateverPhaseItReached() {
        Host failing = new Host("b").failingIn("processors");
        assertThatThrownBy(() -> Kairos.start(ONE_CPU, List.of(new Host("a"), failing, new Host("c").unavailable("absent"))))
                .isInstanceOf(KairosException.class)
                .hasMessage("b backend failed to create its processors: b refuses processors");
        assertThat(calls).containsExactly("a.probe", "b.probe", "c.probe", "a.memories", "b.memories", "a.processors",
                "b.processors", "b.close", "a.close");
    }

    @Test
    void aBackendWhoseFirstPhaseFailsIsClosedToo() {
        assertThatThrownBy(() -> Kairos.start(ONE_CPU, List.of(new Host("a"), new Host("b").failingIn("memories"))))
                .isInstanceOf(KairosException.class)
                .hasMessage("b backend failed to create its memories: b refuses memories");
        assertThat(calls).containsExactly("a.probe", "b.probe", "a.memories", "b.memories", "b.close", "a.close");
    }

    @Test
    void aRequiredBackendThatIsUnavailableFailsStartBeforeAnythingIsAllocated() {
        Host gpu = new Host("gpu").unavailable("no device").requiredBy(CudaMode.REQUIRED);
        KairosConfig required = KairosConfig.builder().cpuProcessors(1).systemMemory(4096).cuda(CudaMode.REQUIRED).build();
        assertThatThrownBy(() -> Kairos.start(required, List.of(new Host("a"), gpu)))
                .isInstanceOf(KairosException.class)
                .hasMessage("gpu is required by the configuration but unavailable: no device");
        assertThat(calls).containsExactly("a.probe", "gpu.probe");
    }

    @Test
    void requiredCudaThatNoBackendServesFailsStartBeforeAnythingIsAllocated() {
        KairosConfig required = KairosConfig.builder().cpuProcessors(1).systemMemory(4096).cuda(CudaMode.REQUIRED).build();
        assertThatThrownBy(() -> Kairos.start(required, List.of(new Host("a"))))
                .isInstanceOf(KairosException.class)
                .hasMessageContaining("cuda=REQUIRED but no backend here provides GPUs (backends=[a])");
        assertThat(calls).containsExactly("a.probe");
    }

    /** A test backend: one SYSTEM memory and one CPU processor named after it, recording each call. */
    private final class Host implements Backend {
        private final String name;
        private String unavailable;
        private String failingPhase = "";
        private CudaMode requiredBy;
        private Arena arena;
        private Memory memory;
        private Processor cpu;

        Host(String name) {
            this.name = name;
        }

        Host unavailable(String reason) {
            unavailable = reason;
            return this;
        }

        Host failingIn(String phase) {
            failingPhase = phase;
            return this;
        }

        Host requiredBy(CudaMode mode) {
            requiredBy = mode;
            return this;
        }

        private void record(String phase) {
            calls.add(name + "." + phase);
            if (phase.equals(failingPhase)) {
                throw new IllegalStateException(name + " refuses " + phase);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isRequired(KairosConfig config) {
            return config.cuda() == requiredBy;
        }

        @Override
        public Probe probe(KairosConfig config) {
            record("probe");
            return unavailable == null ? Probe.available(name + " test backend") : Probe.unavailable(unavailable);
        }

        @Override
        public void createMemories(MemoryPhase machine) {
            record("memories");
            arena = Arena.ofShared();
            memory = machine.addMemory(MemoryKind.SYSTEM, name + ".mem", new MemoryStorage(64, 64, arena.allocate(64, 64), 0));
        }

        @Override
        public void createProcessors(ProcessorPhase machine) {
            record("processors");
            cpu = machine.addProcessor(ProcessorKind.CPU, name + "0", new ProcessorDriver() {});
        }

        @Override
        public void connect(ConnectPhase machine) {
            record("connect");
            machine.addCopyPath(memory, memory, NOMINAL, new HostCopyEngine());
            for (Processor p : machine.processors()) {
                if (p.kind() == ProcessorKind.UTILITY || p == cpu) {
                    machine.addAffinity(p, memory, NOMINAL);
                }
            }
        }

        @Override
        public void close() {
            calls.add(name + ".close");
            if (arena != null) {
                arena.close();
            }
        }
    }

    /** A backend with a processor and no memory, that reaches every SYSTEM memory of the machine. */
    private final class Bridge implements Backend {
        private Processor cpu;

        @Override
        public String name() {
            return "bridge";
        }

        @Override
        public Probe probe(KairosConfig config) {
            return Probe.available("a processor that reaches every SYSTEM memory");
        }

        @Override
        public void createProcessors(ProcessorPhase machine) {
            cpu = machine.addProcessor(ProcessorKind.CPU, "bridge0", new ProcessorDriver() {});
        }

        @Override
        public void connect(ConnectPhase machine) {
            machine.memories().stream().filter(m -> m.kind() == MemoryKind.SYSTEM).forEach(m -> machine.addAffinity(cpu, m, NOMINAL));
        }

        @Override
        public void close() {}
    }
}
