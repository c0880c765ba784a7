package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.UserEvent;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.testing.InProcessTestBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a memory acts on what its planner decided: after unlocking, in the planner's order. */
class MemoryEffectsTest {
    private static final Map<Integer, Long> FIELD = Map.of(1, 8L);

    @Test
    void aDestroyThatCompletesThreeAcceptedCreatesTriggersItsEventFirstThenTheirsInRequestOrder() {
        try (Kairos kairos = InProcessTestBackend.start(4096)) {
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            RegionInstance whole = RegionInstance.create(sys, Rect.of(0, 511), FIELD, 1, Event.NO_EVENT);
            UserEvent go = kairos.createUserEvent();
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            record(whole.destroy(go), "destroyed", order);
            List<RegionInstance> accepted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RegionInstance quarter = RegionInstance.create(sys, Rect.of(0, 127), FIELD, 1, Event.NO_EVENT);
                assertThat(quarter.ready().hasTriggered()).isFalse();
                record(quarter.ready(), "ready " + i, order);
                accepted.add(quarter);
            }
            go.trigger();
            assertThat(order).containsExactly("destroyed", "ready 0", "ready 1", "ready 2");
            assertThat(accepted).extracting(MemoryImpl::offsetOf).containsExactly(0L, 1024L, 2048L);
            accepted.forEach(i -> i.destroy().await());
        }
    }

    private static void record(Event event, String name, List<String> order) {
        EventImpl.of(event).whenTriggered(new Node() {
            @Override
            protected void onTrigger(EventImpl source, Poison poison) {
                order.add(name);
            }
        });
    }
}
