package dev.kairos.internal.event;

import java.util.List;

/** A waiter that records, in one shared list, the order in which its event told it. */
final class Recorder extends Node {
    private final String name;
    private final List<String> log;

    Recorder(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        log.add(name);
    }
}
