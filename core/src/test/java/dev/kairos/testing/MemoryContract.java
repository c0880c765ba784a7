package dev.kairos.testing;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.MemoryKind;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.RegionInstance;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The deferred-allocation contract (docs/DEFERRED_ALLOCATION.md: rules 1-6, examples E1-E9), as scripted
 * scenarios, and the lifetime checks (no use after destroy or close), run on every managed memory kind
 * the machine has. Each module that provides memories
 * subclasses it with the way it starts a runtime, so GPU memories inherit the whole suite.
 */
public abstract class MemoryContract {

    /** Starts a runtime with {@code config} on the backends under test. */
    protected abstract Kairos start(KairosConfig config);

    @TestFactory
    Stream<DynamicTest> everyScenarioOnEveryManagedMemory() {
        List<MemoryKind> kinds;
        try (Kairos probe = start(AllocationScenario.named("probe").config())) {
            kinds = probe.machine().memories().stream().map(m -> m.kind()).distinct().toList();
        }
        return kinds.stream().flatMap(kind -> scenarios().stream()
                .map(s -> DynamicTest.dynamicTest(s.name() + " on " + kind, () -> s.runOn(kind, this::start))));
    }

    /** Use after destroy and after close, through an accessor, a copy and a fill ({@link LifetimeScenario}). */
    @TestFactory
    Stream<DynamicTest> noUseAfterDestroyOrCloseOnEveryManagedMemory() {
        List<MemoryKind> kinds;
        try (Kairos probe = start(AllocationScenario.named("probe").config())) {
            kinds = probe.machine().memories().stream().map(m -> m.kind()).distinct().toList();
        }
        return kinds.stream().flatMap(kind -> LifetimeScenario.checks().stream()
                .map(c -> DynamicTest.dynamicTest(c.getKey() + " on " + kind,
                        () -> LifetimeScenario.runOn(kind, this::start, c.getValue()))));
    }

    static List<AllocationScenario> scenarios() {
        return List.of(
                AllocationScenario.named("E1: accepted on a pending release, the next one fails at once").capacity(2)
                        .allocate("A", 1).allocate("B", 1).expectReady("A", "B")
                        .destroyAfter("A", "X")
                        .allocate("C", 1).expectAccepted("C")
                        .allocate("D", 1).expectFailed("D", "NEVER_FITS", "bytes=4096", "capacity=8192", "used=8192")
                        .trigger("X").expectReady("C").expectDestroyed("A").expectUsed(2),
                AllocationScenario.named("E2: only one bucket will ever be released").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocate("C", 2).expectFailed("C", "NEVER_FITS", "bytes=8192", "pendingRelease=4096")
                        .trigger("X").expectUsed(1),
                AllocationScenario.named("E3: the release C counted on is cancelled").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocate("C", 1).expectAccepted("C")
                        .cancel("X").expectFailed("C", "RELEASE_CANCELLED").expectDestroyCancelled("A")
                        .expectReady("A").expectUsed(2)
                        .destroy("A").expectDestroyed("A").expectUsed(1),
                AllocationScenario.named("E4: D needs two releases, triggered in either order").capacity(3)
                        .allocate("A", 1).allocate("B", 1).allocate("C", 1)
                        .destroyAfter("B", "X").destroyAfter("A", "Y")
                        .allocate("D", 2).expectAccepted("D")
                        .trigger("Y").expectNotReady("D").expectUsed(2)
                        .trigger("X").expectReady("D").expectUsed(3),
                AllocationScenario.named("E5: created after the destroy was requested, decided later").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocateAfter("C", 1, "P").expectNotReady("C")
                        .trigger("P").expectAccepted("C")
                        .trigger("X").expectReady("C"),
                AllocationScenario.named("E5b: a destroy requested after create is never counted on").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .allocateAfter("C", 1, "P")
                        .destroyAfter("A", "X")
                        .trigger("P").expectFailed("C", "NEVER_FITS", "countableRelease=0")
                        .trigger("X").expectDestroyed("A").expectUsed(1),
                AllocationScenario.named("E6: a poisoned precondition cancels the allocation").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .allocateAfter("C", 1, "P")
                        .cancel("P").expectCancelled("C").expectUsed(2)
                        .destroy("C").expectDestroyed("C").expectUsed(2),
                AllocationScenario.named("E7: the tutorial chain, 1000 batches in one instance's memory").capacity(1)
                        .then("1000 chained batches", MemoryContract::tutorialChain)
                        .expectUsed(0).expectPeak(1),
                AllocationScenario.named("eager chain in one instance's memory completes, one instance at a time").capacity(1)
                        .then("200 eager batches", run -> {
                            Event previous = Event.NO_EVENT;
                            for (int i = 0; i < 200; i++) {
                                RegionInstance inst = run.create(null, 1, Event.NO_EVENT);
                                Event used = Event.merge(previous, inst.ready());
                                inst.destroy(used);
                                previous = used;
                            }
                            previous.await();
                        })
                        .expectUsed(0).expectPeak(1),
                AllocationScenario.named("E8: promises move so that older requests complete in freed bytes").capacity(5)
                        .allocate("A", 1).allocate("B", 1).allocate("C", 2).allocate("D", 1)
                        .expectPlacedAt("A", 0).expectPlacedAt("B", 1).expectPlacedAt("C", 2).expectPlacedAt("D", 4)
                        .destroyAfter("A", "XA").allocate("E", 1).expectAccepted("E")
                        .destroyAfter("B", "XB").allocate("F", 1).expectAccepted("F")
                        .destroyAfter("C", "XC").allocate("G", 2).expectAccepted("G")
                        .destroyAfter("D", "XD")
                        .trigger("XC").expectReady("E", "F").expectPlacedAt("E", 2).expectPlacedAt("F", 3).expectNotReady("G")
                        .allocate("H", 1).expectAccepted("H")
                        .trigger("XA").expectNotReady("G")
                        .trigger("XB").expectReady("G").expectPlacedAt("G", 0).expectNotReady("H")
                        .trigger("XD").expectReady("H").expectPlacedAt("H", 4).expectUsed(5),
                AllocationScenario.named("E9: a small request never takes the only hole a larger promise can have").capacity(3)
                        .allocate("A", 1).allocate("B", 1).allocate("C", 1)
                        .destroyAfter("A", "X").allocate("D", 1).expectAccepted("D")
                        .destroyAfter("B", "Y").destroyAfter("C", "Z").allocate("E", 2).expectAccepted("E")
                        .trigger("Y").expectNotReady("D", "E")
                        .trigger("X").expectReady("D").expectPlacedAt("D", 0).expectNotReady("E")
                        .trigger("Z").expectReady("E").expectPlacedAt("E", 1).expectUsed(3),
                AllocationScenario.named("releases triggered in the reverse of request order: the older promise goes first").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X").allocate("C", 1).expectAccepted("C")
                        .destroyAfter("B", "Y").allocate("D", 1).expectAccepted("D")
                        .trigger("Y").expectReady("C").expectPlacedAt("C", 1).expectNotReady("D")
                        .trigger("X").expectReady("D").expectPlacedAt("D", 0).expectUsed(2),
                AllocationScenario.named("a cancelled release nobody counted on fails nothing").capacity(3)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocate("C", 1).expectReady("C")
                        .cancel("X").expectDestroyCancelled("A").expectUsed(3)
                        .destroy("A").expectUsed(2),
                AllocationScenario.named("a cancelled release re-plans what counted on it elsewhere").capacity(3)
                        .allocate("A", 1).allocate("B", 1).allocate("C", 1)
                        .destroyAfter("A", "X").destroyAfter("B", "Y")
                        .allocate("D", 1).expectAccepted("D")
                        .cancel("X").expectNotReady("D")
                        .trigger("Y").expectReady("D").expectReady("A"),
                AllocationScenario.named("early completion in bytes freed by a later release").capacity(2)
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocate("C", 1).expectAccepted("C")
                        .destroyAfter("B", "Y")
                        .trigger("Y").expectReady("C").expectUsed(2)
                        .trigger("X").expectUsed(1),
                AllocationScenario.named("the fragmentation trap: a small request never takes a larger promise's hole").capacity(3)
                        .allocate("A", 1).allocate("B", 2)
                        .destroyAfter("B", "X")
                        .allocate("C", 2).expectAccepted("C")
                        .destroyAfter("A", "Y")
                        .allocate("D", 1).expectAccepted("D")
                        .trigger("X").expectReady("C").expectNotReady("D")
                        .trigger("Y").expectReady("D").expectUsed(3),
                AllocationScenario.named("a small request completes early only outside every promise").capacity(4)
                        .allocate("A", 1).allocate("B", 2).allocate("E", 1)
                        .destroyAfter("B", "X")
                        .allocate("C", 2).expectAccepted("C")
                        .destroyAfter("A", "Y").destroyAfter("E", "Z")
                        .allocate("D", 1).expectAccepted("D")
                        .trigger("Z").expectReady("D").expectNotReady("C")
                        .trigger("X").expectReady("C")
                        .trigger("Y").expectUsed(3),
                AllocationScenario.named("rule 4: a destroy before the allocation resolves takes effect after it").capacity(2)
                        .allocate("A", 2)
                        .destroyAfter("A", "X")
                        .allocateAfter("B", 2, "P")
                        .destroy("B")
                        .expectNotReady("B").expectUsed(2)
                        .trigger("X").expectUsed(0)
                        .trigger("P").expectReady("B").expectDestroyed("B").expectUsed(0).expectPeak(2),
                AllocationScenario.named("rule 4: destroying an accepted allocation frees it once it lands").capacity(1)
                        .allocate("A", 1)
                        .destroyAfter("A", "X")
                        .allocate("B", 1).expectAccepted("B")
                        .destroy("B").expectNotReady("B")
                        .trigger("X").expectReady("B").expectDestroyed("B").expectUsed(0),
                AllocationScenario.named("a chain of promises behind one full-memory instance, released at once").capacity(1)
                        .allocate("A", 1)
                        .destroyAfter("A", "X")
                        .allocate("B", 1).expectAccepted("B").destroyAfter("B", "X")
                        .allocate("C", 1).expectAccepted("C").destroyAfter("C", "X")
                        .allocate("D", 1).expectAccepted("D").destroyAfter("D", "X")
                        .trigger("X")
                        .expectReady("B", "C", "D").expectDestroyed("A").expectDestroyed("B").expectDestroyed("C")
                        .expectDestroyed("D").expectUsed(0).expectPeak(1),
                AllocationScenario.named("without pressure deferral what does not fit now fails at once").capacity(2)
                        .withoutPressureDeferral()
                        .allocate("A", 1).allocate("B", 1)
                        .destroyAfter("A", "X")
                        .allocate("C", 1).expectFailed("C", "DOES_NOT_FIT_NOW")
                        .trigger("X").expectDestroyed("A")
                        .allocate("D", 1).expectReady("D"),
                AllocationScenario.named("a destroy of a failed allocation is a harmless no-op").capacity(1)
                        .allocate("A", 1)
                        .allocate("B", 1).expectFailed("B", "NEVER_FITS")
                        .destroy("B").expectDestroyed("B").expectUsed(1));
    }

    /** Realm's tutorial loop with an empty task standing for writer and reader. */
    private static void tutorialChain(AllocationScenario.Run run) {
        Kairos kairos = run.kairos();
        Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
        TaskId<Void> use = kairos.registerTask("use", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {}));
        var start = kairos.createUserEvent();
        Event previous = start;
        for (int i = 0; i < 1000; i++) {
            RegionInstance inst = run.create(null, 1, previous);
            Event used = cpu.spawn(use, null, inst.ready());
            inst.destroy(used);
            previous = used;
        }
        start.trigger();
        previous.await();
    }
}
