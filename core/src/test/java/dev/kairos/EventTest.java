package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.testing.InProcessTestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The API overview's rules for events, user events and merges (dev.kairos package-info, "Events"). */
@Timeout(30)
class EventTest {
    private final Kairos kairos = InProcessTestBackend.start(1 << 20);

    @AfterEach
    void close() {
        kairos.close();
    }

    @Test
    void noEventHasAlwaysTriggeredAndIsNeverPoisoned() {
        assertThat(Event.NO_EVENT.status()).isEqualTo(Event.Status.TRIGGERED);
        assertThat(Event.NO_EVENT.hasTriggered()).isTrue();
        assertThat(Event.NO_EVENT.isPoisoned()).isFalse();
        assertThat(Event.NO_EVENT.failure()).isEmpty();
        assertThat(Event.NO_EVENT.id()).isZero();
        Event.NO_EVENT.await();
    }

    @Test
    void aUserEventIsPendingUntilTriggered() {
        UserEvent e = kairos.createUserEvent();
        assertThat(e.status()).isEqualTo(Event.Status.PENDING);
        assertThat(e.hasTriggered()).isFalse();
        e.trigger();
        assertThat(e.status()).isEqualTo(Event.Status.TRIGGERED);
        assertThat(e.hasTriggered()).isTrue();
        assertThat(e.isPoisoned()).isFalse();
        e.await();
    }

    @Test
    void triggeringOrCancellingTwiceIsAnIllegalStateException() {
        UserEvent triggered = kairos.createUserEvent();
        triggered.trigger();
        assertThatThrownBy(triggered::trigger).isInstanceOf(IllegalStateException.class).hasMessageContaining("trigger()");
        assertThatThrownBy(triggered::cancel).isInstanceOf(IllegalStateException.class);

        UserEvent cancelled = kairos.createUserEvent();
        cancelled.cancel();
        assertThatThrownBy(cancelled::cancel).isInstanceOf(IllegalStateException.class).hasMessageContaining("cancel()");
        assertThatThrownBy(cancelled::trigger).isInstanceOf(IllegalStateException.class);

        UserEvent chained = kairos.createUserEvent();
        UserEvent precondition = kairos.createUserEvent();
        chained.trigger(precondition);
        assertThatThrownBy(chained::trigger).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot trigger(), it was already claimed by trigger(" + precondition + ")");
    }

    @Test
    void cancelPoisonsAndAwaitThrowsWithTheCancellationAsCause() {
        UserEvent e = kairos.createUserEvent();
        e.cancel();
        assertThat(e.status()).isEqualTo(Event.Status.POISONED);
        assertThat(e.hasTriggered()).isTrue();
        assertThat(e.isPoisoned()).isTrue();
        assertThat(e.failure()).get().isInstanceOf(CancellationException.class);
        assertThatThrownBy(e::await)
                .isInstanceOf(PoisonedEventException.class)
                .hasCauseInstanceOf(CancellationException.class)
                .satisfies(t -> assertThat(((PoisonedEventException) t).event()).isSameAs(e));
    }

    @Test
    void timedAwaitReturnsPendingAfterTheTimeoutAndNeverThrowsOnPoison() {
        UserEvent e = kairos.createUserEvent();
        assertThat(e.await(Duration.ofMillis(20))).isEqualTo(Event.Status.PENDING);
        assertThat(e.await(Duration.ZERO)).isEqualTo(Event.Status.PENDING);
        e.cancel();
        assertThat(e.await(Duration.ofMillis(20))).isEqualTo(Event.Status.POISONED);
    }

    @Test
    void awaitParksUntilAnotherThreadTriggers() throws Exception {
        UserEvent e = kairos.createUserEvent();
        Thread waiter = Thread.currentThread();
        Thread t = Thread.ofPlatform().start(() -> {
            while (waiter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // trigger only once await() has really parked
            }
            e.trigger();
        });
        e.await();
        assertThat(e.hasTriggered()).isTrue();
        t.join();
    }

    @Test
    void triggerOnAnotherEventFollowsItsOutcome() {
        UserEvent source = kairos.createUserEvent();
        UserEvent follower = kairos.createUserEvent();
        follower.trigger(source);
        assertThat(follower.hasTriggered()).isFalse();
        source.trigger();
        assertThat(follower.status()).isEqualTo(Event.Status.TRIGGERED);

        UserEvent poisonedSource = kairos.createUserEvent();
        UserEvent poisonedFollower = kairos.createUserEvent();
        poisonedFollower.trigger(poisonedSource);
        poisonedSource.cancel();
        assertThat(poisonedFollower.status()).isEqualTo(Event.Status.POISONED);
        assertThat(poisonedFollower.failure()).isEqualTo(poisonedSource.failure());
    }

    @Test
    void triggerOnAnAlreadyTriggeredEventTriggersAtOnce() {
        UserEvent e = kairos.createUserEvent();
        e.trigger(Event.NO_EVENT);
        assertThat(e.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void mergeTriggersWhenAllInputsHave() {
        UserEvent a = kairos.createUserEvent();
        UserEvent b = kairos.createUserEvent();
        Event m = Event.merge(a, b, Event.NO_EVENT);
        a.trigger();
        assertThat(m.hasTriggered()).isFalse();
        b.trigger();
        assertThat(m.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void mergeIsPoisonedAsSoonAsOneInputIs() {
        UserEvent a = kairos.createUserEvent();
        UserEvent b = kairos.createUserEvent();
        Event m = Event.merge(List.of(a, b));
        b.cancel();
        assertThat(m.status()).as("poisoned while a is still pending").isEqualTo(Event.Status.POISONED);
        assertThat(m.failure()).isEqualTo(b.failure());
        a.trigger();
        assertThat(m.status()).isEqualTo(Event.Status.POISONED);
    }

    @Test
    void mergeOfAnAlreadyPoisonedInputIsPoisoned() {
        UserEvent a = kairos.createUserEvent();
        a.cancel();
        assertThat(Event.merge(kairos.createUserEvent(), a).isPoisoned()).isTrue();
    }

    @Test
    void mergeOfNothingOrOfTriggeredEventsHasTriggered() {
        assertThat(Event.merge().hasTriggered()).isTrue();
        assertThat(Event.merge(List.of()).hasTriggered()).isTrue();
        assertThat(Event.merge(Event.NO_EVENT, Event.NO_EVENT).status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void mergeIgnoringFaultsTriggersWhenAllHaveFinishedAndIsNeverPoisoned() {
        UserEvent a = kairos.createUserEvent();
        UserEvent b = kairos.createUserEvent();
        Event m = Event.mergeIgnoringFaults(List.of(a, b));
        a.cancel();
        assertThat(m.hasTriggered()).as("b is still pending").isFalse();
        b.trigger();
        assertThat(m.status()).isEqualTo(Event.Status.TRIGGERED);

        UserEvent c = kairos.createUserEvent();
        c.cancel();
        assertThat(Event.mergeIgnoringFaults(List.of(c)).status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void mergeOfManyInputsTriggeredFromManyThreadsTriggersOnce() throws Exception {
        List<UserEvent> inputs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            inputs.add(kairos.createUserEvent());
        }
        Event m = Event.merge(inputs);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = first; i < inputs.size(); i += 4) {
                    inputs.get(i).trigger();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(m.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void aLongChainOfTriggersDoesNotGrowTheStack() {
        UserEvent first = kairos.createUserEvent();
        Event previous = first;
        for (int i = 0; i < 200_000; i++) {
            UserEvent next = kairos.createUserEvent();
            next.trigger(previous);
            previous = next;
        }
        first.trigger();
        assertThat(previous.status()).isEqualTo(Event.Status.TRIGGERED);
    }

    @Test
    void eventsAreHandlesWithStableIdsPrintedAsEventN() {
        UserEvent a = kairos.createUserEvent();
        UserEvent b = kairos.createUserEvent();
        assertThat(a.id()).isPositive().isNotEqualTo(b.id()).isEqualTo(a.id());
        assertThat(a.toString()).isEqualTo("event:" + a.id());
        assertThat(a.compareTo(b)).isEqualTo(Long.compare(a.id(), b.id()));
        assertThat(Event.NO_EVENT.compareTo(a)).isNegative();
    }

    @Test
    void aNullPreconditionIsRejectedWithAHint() {
        UserEvent e = kairos.createUserEvent();
        assertThatThrownBy(() -> e.trigger(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("NO_EVENT");
    }
}
