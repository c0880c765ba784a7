package dev.kairos;

import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Merges;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/**
 * A point in the future: the completion of an operation, a merge of other events, or a
 * {@link UserEvent} the program triggers itself. Every asynchronous call in Kairos takes an event
 * to wait on and returns one.
 *
 * <p>An event starts {@link Status#PENDING} and moves exactly once, either to
 * {@link Status#TRIGGERED} or to {@link Status#POISONED}. An operation whose precondition is
 * poisoned does not run, and its own event is poisoned with the same cause.
 *
 * <p>Events are handles: cheap, safe to share between threads, printable ({@code event:4711}) and
 * ordered by a stable id. They are not tied to one runtime, so {@link #merge} needs none.
 *
 * <p>This interface declares no default methods on purpose: initializing an implementation class
 * then does not initialize this interface, so {@link #NO_EVENT} can never be read half-built.
 */
public sealed interface Event extends Comparable<Event> permits UserEvent, EventImpl {

    /** An event that has always triggered and is never poisoned: "no precondition". */
    Event NO_EVENT = EventImpl.NO_EVENT;

    enum Status {
        PENDING,
        TRIGGERED,
        POISONED
    }

    Status status();

    /** True once the event has moved out of {@link Status#PENDING}: triggered or poisoned. */
    boolean hasTriggered();

    boolean isPoisoned();

    /** The failure that poisoned this event, or empty while it is pending or if it triggered. */
    Optional<Throwable> failure();

    /**
     * Blocks until the event has triggered. Called from inside a task body, it frees the task's
     * processor for other ready tasks until the event triggers. An interrupt does not end the wait:
     * it goes on without spinning and the interrupt flag is set again on return (see
     * {@link #awaitInterruptibly()}).
     *
     * @throws PoisonedEventException if the event is poisoned; its cause is the original failure
     */
    void await();

    /**
     * Blocks until the event has triggered or the timeout has passed, whichever is first. Any
     * duration is accepted: one too long for a {@code long} of nanoseconds (such as
     * {@code ChronoUnit.FOREVER.getDuration()}) waits about 292 years; zero or negative does not
     * wait. Interrupts are handled as in {@link #await()}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @return the status at return: {@link Status#PENDING} if the timeout passed; never throws on
     *     poison
     */
    Status await(Duration timeout);

    /**
     * As {@link #await()}, but an interrupt ends the wait, as in {@code Future.get}: if the calling
     * thread is interrupted on entry (and the event is still pending) or while it waits, the flag is
     * cleared and {@link InterruptedException} thrown. ({@link #await()} and
     * {@link #await(Duration)} instead keep waiting when interrupted, without spinning, and set the
     * flag again when they return.)
     *
     * @throws InterruptedException if the thread was interrupted before the event triggered
     * @throws PoisonedEventException if the event is poisoned; its cause is the original failure
     */
    void awaitInterruptibly() throws InterruptedException;

    /** A stable id, unique among the events of this JVM; {@link #NO_EVENT} is 0. Events are ordered by it. */
    long id();

    /** An event that triggers when all of {@code events} have; poisoned as soon as one of them is. */
    static Event merge(Event... events) {
        return Merges.merge(events == null ? null : Arrays.asList(events), false);
    }

    /** An event that triggers when all of {@code events} have; poisoned as soon as one of them is. */
    static Event merge(Collection<? extends Event> events) {
        return Merges.merge(events, false);
    }

    /** An event that triggers when all of {@code events} have triggered or been poisoned. Never poisoned. */
    static Event mergeIgnoringFaults(Collection<? extends Event> events) {
        return Merges.merge(events, true);
    }
}
