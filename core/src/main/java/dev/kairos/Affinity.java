package dev.kairos;

/**
 * How well a processor reaches a memory (or a memory another): nominal bandwidth in MB/s and latency
 * in nanoseconds, as the backend describes its hardware. {@link #NONE} means no access.
 */
public record Affinity(long bandwidthMBps, long latencyNanos) {

    /** No access at all. */
    public static final Affinity NONE = new Affinity(0, 0);

    public Affinity {
        if (bandwidthMBps < 0 || latencyNanos < 0) {
            throw new IllegalArgumentException(
                    "affinity figures must be >= 0: bandwidthMBps=" + bandwidthMBps + " latencyNanos=" + latencyNanos);
        }
    }

    /** True when there is no access. */
    public boolean isEmpty() {
        return bandwidthMBps == 0;
    }

    @Override
    public String toString() {
        return isEmpty() ? "none" : bandwidthMBps + " MB/s, " + latencyNanos + " ns";
    }
}
