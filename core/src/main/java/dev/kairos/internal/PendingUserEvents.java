package dev.kairos.internal;

import dev.kairos.internal.event.UserEventImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The user events of one runtime that nobody may have claimed yet (by trigger, cancel or
 * trigger(waitOn)): those {@code close()} cancels once nothing else can make progress, so that the
 * operations waiting on them end instead of holding it forever.
 *
 * <p>A lock-free stack: creating a user event pushes an entry (one CAS, nothing on the trigger
 * path). Claimed events are dropped in bulk when the stack has grown to twice what survived the last
 * purge (at least {@value #FIRST_PURGE}), so the cost is amortized constant per event and a program
 * that creates and triggers user events forever keeps only about twice its unclaimed ones here.
 */
final class PendingUserEvents {
    private static final int FIRST_PURGE = 1024;

    private static final class Entry {
        final UserEventImpl event;
        Entry next;
        /** Entries from here to the bottom; exact for the head, which is all that is read. */
        int depth;

        Entry(UserEventImpl event) {
            this.event = event;
        }
    }

    private final AtomicReference<Entry> head = new AtomicReference<>();
    private volatile int purgeAt = FIRST_PURGE;

    void add(UserEventImpl event) {
        Entry entry = new Entry(event);
        Entry top;
        do {
            top = head.get();
            entry.next = top;
            entry.depth = top == null ? 1 : top.depth + 1;
        } while (!head.compareAndSet(top, entry));
        if (entry.depth >= purgeAt) {
            purge();
        }
    }

    /** Takes every entry; returns the events still unclaimed. */
    List<UserEventImpl> takeUnclaimed() {
        List<UserEventImpl> unclaimed = new ArrayList<>();
        for (Entry e = head.getAndSet(null); e != null; e = e.next) {
            if (!e.event.isClaimed()) {
                unclaimed.add(e.event);
            }
        }
        return unclaimed;
    }

    private void purge() {
        Entry survivors = null;
        Entry bottom = null;
        int count = 0;
        for (Entry e = head.getAndSet(null); e != null; e = e.next) {
            if (!e.event.isClaimed()) {
                Entry kept = new Entry(e.event);
                kept.next = survivors;
                survivors = kept;
                if (bottom == null) {
                    bottom = kept;
                }
                count++;
            }
        }
        purgeAt = Math.max(FIRST_PURGE, 2 * count);
        if (survivors == null) {
            return;
        }
        Entry top; // what other threads pushed since the stack was taken: the survivors go back on top of it
        do {
            top = head.get();
            bottom.next = top;
            survivors.depth = count + (top == null ? 0 : top.depth);
        } while (!head.compareAndSet(top, survivors));
    }
}
