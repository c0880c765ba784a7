package dev.kairos.internal.prof;

import dev.kairos.Measurement;
import dev.kairos.OperationStatus;
import dev.kairos.OperationTimeline;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.ProfilingResponse;
import dev.kairos.internal.event.Poison;
import java.util.HashMap;
import java.util.Map;

/**
 * The timestamps of one profiled operation (task, copy, fill), written by its lifecycle marks
 * ({@code dev.kairos.internal.op.Operation}). Each stage is written by the one thread that passes
 * it, and the stages are ordered by the operation's own hand-offs (queue, worker, event), so plain
 * fields suffice.
 */
public final class OperationProfile {
    private final ProfileDelivery delivery;
    private final Object subject;
    private final ProfilingRequestSet requests;
    private final long created = System.nanoTime();
    private long ready;
    private long started;
    private long ended;

    public OperationProfile(ProfileDelivery delivery, Object subject, ProfilingRequestSet requests) {
        this.delivery = delivery;
        this.subject = subject;
        this.requests = requests;
    }

    public void ready() {
        ready = System.nanoTime();
    }

    public void started() {
        started = System.nanoTime();
    }

    public void ended() {
        ended = System.nanoTime();
    }

    /** Sends the response: called once, when the operation's event has triggered or been poisoned. */
    public void completed(OperationStatus.Result result, Poison poison) {
        Map<Class<? extends Measurement>, Measurement> m = new HashMap<>();
        if (requests.wants(OperationTimeline.class)) {
            m.put(OperationTimeline.class, new OperationTimeline(created, ready, started, ended, System.nanoTime()));
        }
        if (requests.wants(OperationStatus.class)) {
            m.put(OperationStatus.class, new OperationStatus(result, poison == null ? null : poison.cause()));
        }
        delivery.deliver(requests, new ProfilingResponse(subject, m));
    }
}
