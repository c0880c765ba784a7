package dev.kairos;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which measurements to take for an operation or an instance, and where to send them. Responses run
 * on the runtime's profiling thread, one at a time in the order they were produced, never on the
 * thread that issued the operation; a handler that is slow or blocks delays only the responses after
 * it, never a task, a copy or {@code close()} (which waits for the queued responses at most its
 * grace period).
 *
 * {@snippet :
 * ProfilingRequestSet prs = ProfilingRequestSet.builder()
 *         .measure(InstanceAllocResult.class, InstanceTimeline.class)
 *         .onResponse(response -> System.out.println(response))
 *         .build();
 * }
 */
public final class ProfilingRequestSet {
    /** No measurements: costs nothing. */
    public static final ProfilingRequestSet NONE = new ProfilingRequestSet(Set.of(), response -> {});

    private final Set<Class<? extends Measurement>> measurements;
    private final Consumer<ProfilingResponse> handler;

    private ProfilingRequestSet(Set<Class<? extends Measurement>> measurements, Consumer<ProfilingResponse> handler) {
        this.measurements = measurements;
        this.handler = handler;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Set<Class<? extends Measurement>> measurements() {
        return measurements;
    }

    public boolean isEmpty() {
        return measurements.isEmpty();
    }

    public boolean wants(Class<? extends Measurement> type) {
        return measurements.contains(type);
    }

    /** The handler responses go to. */
    public Consumer<ProfilingResponse> handler() {
        return handler;
    }

    public static final class Builder {
        private final Set<Class<? extends Measurement>> measurements = new LinkedHashSet<>();
        private Consumer<ProfilingResponse> handler;

        private Builder() {}

        @SafeVarargs
        public final Builder measure(Class<? extends Measurement>... types) {
            for (Class<? extends Measurement> type : types) {
                measurements.add(Objects.requireNonNull(type, "measurement type"));
            }
            return this;
        }

        public Builder onResponse(Consumer<ProfilingResponse> handler) {
            if (this.handler != null) {
                throw new IllegalStateException("onResponse was already set to " + this.handler);
            }
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** @throws IllegalStateException if measurements were requested but no handler was set */
        public ProfilingRequestSet build() {
            if (measurements.isEmpty()) {
                return NONE;
            }
            if (handler == null) {
                throw new IllegalStateException("measurements " + measurements + " were requested but onResponse was not set");
            }
            return new ProfilingRequestSet(Set.copyOf(measurements), handler);
        }
    }
}
