package dev.kairos.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's contract with a waiter when that waiter is its event's only one, the case the
 * dispatcher fires without a frame: what the waiter triggers is told before anything after it, and
 * a waiter that stops early ({@link Node#tryFire} returning false) is fired again once what it
 * triggered has been told, exactly as when it has neighbours.
 */
class DispatcherTest {

    /**
     * A waiter holding two things to tell, as a block of merges does: the first triggers
     * {@code nested}, after which it stops; fired again, it tells the second.
     */
    private static final class TwoStep extends SteppedNode {
        private final EventImpl nested;
        private final List<String> log;
        private int fired;

        TwoStep(EventImpl nested, List<String> log) {
            this.nested = nested;
            this.log = log;
        }

        @Override
        boolean tryFire(Dispatcher dispatcher, EventImpl source, Poison poison) {
            fired++;
            log.add("two-step " + fired);
            if (fired == 1) {
                nested.finishFrom(dispatcher, null);
                return false;
            }
            return true;
        }
    }

    @Test
    void aLoneWaiterThatStopsEarlyIsFiredAgainAfterWhatItTriggered() {
        UserEventImpl event = new UserEventImpl();
        UserEventImpl nested = new UserEventImpl();
        List<String> log = new ArrayList<>();
        nested.addWaiter(new Recorder("nested's waiter", log));
        event.addWaiter(new TwoStep(nested, log));

        event.trigger();

        assertThat(log).containsExactly("two-step 1", "nested's waiter", "two-step 2");
        assertThat(nested.hasTriggered()).isTrue();
    }

    @Test
    void whatALoneWaiterTriggersIsToldDepthFirst() {
        UserEventImpl event = new UserEventImpl();
        UserEventImpl next = new UserEventImpl();
        UserEventImpl deeper = new UserEventImpl();
        List<String> log = new ArrayList<>();
        next.trigger(event); // event's only waiter triggers next
        next.addWaiter(new Recorder("next's first", log));
        deeper.trigger(next); // next's second waiter triggers deeper
        next.addWaiter(new Recorder("next's last", log));
        deeper.addWaiter(new Recorder("deeper's waiter", log));

        event.trigger();

        assertThat(log).containsExactly("next's first", "deeper's waiter", "next's last");
    }
}
