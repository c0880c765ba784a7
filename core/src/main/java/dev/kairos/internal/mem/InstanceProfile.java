package dev.kairos.internal.mem;

import dev.kairos.InstanceAllocResult;
import dev.kairos.InstanceMemoryUsage;
import dev.kairos.InstanceStatus;
import dev.kairos.InstanceTimeline;
import dev.kairos.Measurement;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.ProfilingResponse;
import dev.kairos.RegionInstance;
import dev.kairos.internal.KairosRuntime;
import java.util.HashMap;
import java.util.Map;

/**
 * The measurements of one profiled instance. The allocation result goes out as soon as the memory
 * decides; the timeline, usage and status when the instance's life ends (freed, failed, cancelled).
 * Stages are written under the memory's lock or before events that order them, so plain fields
 * suffice.
 */
final class InstanceProfile {
    private final KairosRuntime runtime;
    private final ProfilingRequestSet requests;
    private final long created = System.nanoTime();
    private long ready;

    InstanceProfile(KairosRuntime runtime, ProfilingRequestSet requests) {
        this.runtime = runtime;
        this.requests = requests;
    }

    void allocResult(RegionInstance instance, boolean success) {
        if (requests.wants(InstanceAllocResult.class)) {
            runtime.deliver(requests, new ProfilingResponse(instance, Map.of(InstanceAllocResult.class, new InstanceAllocResult(success))));
        }
    }

    void ready() {
        ready = System.nanoTime();
    }

    void ended(RegionInstance instance, InstanceStatus status) {
        Map<Class<? extends Measurement>, Measurement> m = new HashMap<>();
        if (requests.wants(InstanceTimeline.class)) {
            boolean deleted = status.result() == InstanceStatus.Result.DESTROYED_SUCCESSFULLY;
            m.put(InstanceTimeline.class, new InstanceTimeline(created, ready, deleted ? System.nanoTime() : 0));
        }
        if (requests.wants(InstanceMemoryUsage.class)) {
            m.put(InstanceMemoryUsage.class, new InstanceMemoryUsage(instance.memory(), instance.layout().totalBytes()));
        }
        if (requests.wants(InstanceStatus.class)) {
            m.put(InstanceStatus.class, status);
        }
        if (!m.isEmpty()) {
            runtime.deliver(requests, new ProfilingResponse(instance, m));
        }
    }
}
