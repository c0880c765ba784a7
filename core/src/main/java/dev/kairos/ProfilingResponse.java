package dev.kairos;

import java.util.Map;
import java.util.Optional;

/**
 * The measurements of one operation or instance, delivered to the handler of its
 * {@link ProfilingRequestSet} on a utility thread. Holds only measurements that were requested.
 */
public final class ProfilingResponse {
    private final Object subject;
    private final Map<Class<? extends Measurement>, Measurement> measurements;

    public ProfilingResponse(Object subject, Map<Class<? extends Measurement>, Measurement> measurements) {
        this.subject = subject;
        this.measurements = Map.copyOf(measurements);
    }

    /** The measurement of {@code type}, if it was requested and is part of this response. */
    public <T extends Measurement> Optional<T> get(Class<T> type) {
        return Optional.ofNullable(type.cast(measurements.get(type)));
    }

    public boolean has(Class<? extends Measurement> type) {
        return measurements.containsKey(type);
    }

    /** What was measured: the {@link RegionInstance}, or the {@link Event} of a task, copy or fill. */
    public Object subject() {
        return subject;
    }

    @Override
    public String toString() {
        return "ProfilingResponse[" + subject + ": " + measurements.values() + "]";
    }
}
