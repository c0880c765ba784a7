package dev.kairos.spi;

import dev.kairos.KairosConfig;

/**
 * A source of processors, memories and copy paths. One instance serves one runtime:
 * {@link #probe}, then (only if available) {@link #start}, then {@link #close} after every
 * processor has stopped.
 */
public interface Backend {

    /** Short name: {@code cpu}, {@code cuda}. */
    String name();

    /** Backends start in increasing order; the CPU backend is 0. */
    default int order() {
        return 100;
    }

    /**
     * Whether this backend can run here with {@code config}. Detects hardware but allocates nothing,
     * and never throws for missing hardware or drivers: that is an {@link Probe#unavailable} result.
     */
    Probe probe(KairosConfig config);

    /** Whether {@code config} demands this backend, so that its being unavailable must fail start. */
    default boolean isRequired(KairosConfig config) {
        return false;
    }

    /** Creates this backend's memories, processors and copy paths. */
    void start(MachineBuilder machine);

    /** Frees everything {@link #start} allocated. Every processor has stopped when this is called. */
    void close();

    /** What a probe found: available with a one-line description, or unavailable with the reason. */
    record Probe(boolean available, String detail) {
        public static Probe available(String description) {
            return new Probe(true, description);
        }

        public static Probe unavailable(String reason) {
            return new Probe(false, reason);
        }
    }
}
