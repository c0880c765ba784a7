package dev.kairos;

/**
 * The reason an instance's {@link RegionInstance#ready()} event is poisoned when its memory could not
 * place it: the message names the memory, the bytes asked, the capacity, the bytes in use and the
 * bytes pending release.
 */
public final class InstanceAllocationException extends KairosException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long capacity;
    private final long used;
    private final long pendingRelease;

    public InstanceAllocationException(String message, long requested, long capacity, long used, long pendingRelease) {
        super(message);
        this.requested = requested;
        this.capacity = capacity;
        this.used = used;
        this.pendingRelease = pendingRelease;
    }

    public long requested() {
        return requested;
    }

    public long capacity() {
        return capacity;
    }

    public long used() {
        return used;
    }

    public long pendingRelease() {
        return pendingRelease;
    }
}
