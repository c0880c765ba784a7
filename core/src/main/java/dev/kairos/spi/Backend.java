package dev.kairos.spi;

import dev.kairos.KairosConfig;

/**
 * A source of processors, memories and copy paths. One instance serves one runtime, through a
 * lifecycle in phases, as Realm's modules have:
 *
 * <ol>
 *   <li>{@link #probe}: detect the hardware and decide whether this backend can run with the
 *       requested settings; allocate nothing.
 *   <li>{@link #createMemories}: allocate the bytes of this backend's memories and add them.
 *   <li>{@link #createProcessors}: add this backend's processors.
 *   <li>{@link #connect}: declare affinities and copy paths, now that every memory and processor of
 *       the machine exists.
 *   <li>{@link #close}: free everything the earlier phases allocated.
 * </ol>
 *
 * <p>The runtime runs each phase for every available backend before it starts the next, so a
 * phase sees all that the earlier phases created, whichever backend created it: backends need no
 * order among themselves, and a backend that connects to another's memories (the CUDA backend's
 * copy paths to SYSTEM memory) finds them whatever the order they were found in. The requested
 * settings ({@link KairosConfig}) come with each phase; what {@link #probe} detected is the
 * backend's own to keep until the phases that use it.
 *
 * <p>If any phase of any backend throws, start fails and {@link #close} is called on every backend
 * whose probe answered available, in reverse order, whatever phase it had reached: close must
 * free what was allocated and ignore what was not.
 */
public interface Backend {

    /** Short name: {@code cpu}, {@code cuda}. */
    String name();

    /**
     * Whether this backend can run here with {@code config}. Detects hardware but allocates nothing,
     * and never throws for missing hardware or drivers: that is an {@link Probe#unavailable} result.
     */
    Probe probe(KairosConfig config);

    /**
     * Whether {@code config} demands this backend, so that its being unavailable must fail start.
     * The backend that provides GPUs answers true for {@code CudaMode.REQUIRED}: a configuration
     * that demands CUDA while no backend answers true fails start too, since nothing here can
     * serve it.
     */
    default boolean isRequired(KairosConfig config) {
        return false;
    }

    /** Phase 2: allocates this backend's memories and adds them. */
    default void createMemories(MemoryPhase machine) {}

    /** Phase 3: adds this backend's processors. Every memory of the machine exists. */
    default void createProcessors(ProcessorPhase machine) {}

    /** Phase 4: declares affinities and copy paths. Every memory and processor of the machine exists. */
    default void connect(ConnectPhase machine) {}

    /** Frees everything the earlier phases allocated. Every processor has stopped when this is called. */
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
