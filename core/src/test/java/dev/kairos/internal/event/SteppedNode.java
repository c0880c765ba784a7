package dev.kairos.internal.event;

/**
 * A test waiter told only through {@link Node#tryFire}, the way the event graph's own nodes are:
 * subclasses say what each firing does; {@link #onTrigger} is never its path.
 */
abstract class SteppedNode extends Node {
    @Override
    protected final void onTrigger(EventImpl source, Poison poison) {
        throw new IllegalStateException("told through tryFire");
    }
}
