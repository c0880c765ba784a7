package dev.kairos.internal.prof;

import dev.kairos.InstanceAllocResult;
import dev.kairos.InstanceMemoryUsage;
import dev.kairos.InstanceStatus;
import dev.kairos.InstanceTimeline;
import dev.kairos.Measurement;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.ProfilingResponse;
import dev.kairos.RegionInstance;
import java.util.HashMap;
import java.util.Map;

/**
 * The measurements of one profiled instance, the instance's counterpart of {@link OperationProfile}.
 * The allocation result goes out as soon as the memory decides; the timeline, usage and status when
 * the instance's life ends (freed, failed, cancelled). Stages are written under the memory's lock
 * or before events that order them, so plain fields suffice.
 */
public final class InstanceProfile {
    private final ProfileDelivery delivery;
    private final ProfilingRequestSet requests;
    private final long created = System.nanoTime();
    private long ready;

    public InstanceProfile(ProfileDelivery delivery, ProfilingRequestSet requests) {
        this.delivery = delivery;
        this.requests = requests;
    }

    public void allocResult(RegionInstance instance, boolean success) {
        if (requests.wants(InstanceAllocResult.class)) {
            delivery.deliver(requests, new ProfilingResponse(instance, Map.of(InstanceAllocResult.class, new InstanceAllocResult(success))));
        }
    }

    public void ready() {
        ready = System.nanoTime();
    }

    public void ended(RegionInstance instance, InstanceStatus status) {
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
            delivery.deliver(requests, new ProfilingResponse(instance, m));
        }
    }
}
