package dev.kairos.internal.mem;

import dev.kairos.InstanceAllocationException;
import dev.kairos.InstanceLayout;
import dev.kairos.InstanceStatus;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryStats;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.RegionInstance;
import dev.kairos.internal.Failures;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.prof.InstanceProfile;
import dev.kairos.spi.InstanceStorage;
import dev.kairos.spi.MemoryStorage;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A managed memory: the backend's bytes ({@link MemoryStorage}), carved by an
 * {@link AllocationPlanner} that keeps Realm's deferred-allocation rules. Whatever backend provides
 * the bytes (host segment, device arena), the rules are these, here, once.
 *
 * <p>Every planner call happens under {@link #lock}. The planner reports what happened as effects
 * (allocated, failed, released); they are collected under the lock and acted on after it is released,
 * because acting means triggering events, whose waiters may call back into this memory.
 */
public final class MemoryImpl implements Memory, InstanceStorage.Placement {
    private static final Logger log = LoggerFactory.getLogger(MemoryImpl.class);
    /** Allocation failures logged at WARN per memory; later ones go to DEBUG so a failing loop does not flood the log. */
    private static final int WARN_FAILURES = 10;

    private final KairosRuntime runtime;
    private final MemoryKind kind;
    private final String name;
    private final long id;
    private final MemoryStorage storage;

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationPlanner planner; // guarded by lock
    private int failuresLogged; // guarded by lock
    private long allocations; // guarded by lock
    private long deferredAllocations; // guarded by lock
    private long failedAllocations; // guarded by lock

    public MemoryImpl(KairosRuntime runtime, MemoryKind kind, String name, long id, MemoryStorage storage) {
        this.runtime = runtime;
        this.kind = kind;
        this.name = name;
        this.id = id;
        this.storage = storage;
        this.planner = new AllocationPlanner(storage.capacity(), runtime.config().deferredAllocation());
    }

    // ---------------------------------------------------------------- Memory

    @Override
    public MemoryKind kind() {
        return kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long capacity() {
        return storage.capacity();
    }

    @Override
    public long used() {
        lock.lock();
        try {
            return planner.used();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long peakUsed() {
        lock.lock();
        try {
            return planner.peakUsed();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MemoryStats stats() {
        lock.lock();
        try {
            return new MemoryStats(planner.capacity(), planner.used(), planner.peakUsed(), planner.pendingReleaseBytes(),
                    planner.liveCount(), allocations, deferredAllocations, failedAllocations);
        } finally {
            lock.unlock();
        }
    }

    public KairosRuntime runtime() {
        return runtime;
    }

    @Override
    public MemoryStorage storage() {
        return storage;
    }

    @Override
    public long instanceOffset(RegionInstance instance) {
        long offset = offsetOf(instance);
        if (offset < 0) {
            throw new IllegalStateException(instance + " holds no bytes in " + this
                    + ": it is not ready yet, or its allocation failed (run the operation after instance.ready())");
        }
        return offset;
    }

    /** Runs the planner's invariant check; for tests. */
    public void checkInvariants() {
        lock.lock();
        try {
            planner.checkInvariants();
        } finally {
            lock.unlock();
        }
    }

    MemorySegment hostSlice(long offset, long bytes) {
        return storage.hostSegment().asSlice(offset, bytes);
    }

    /** Where {@code instance}'s bytes start in this memory, or -1 if it holds none. */
    public static long offsetOf(RegionInstance instance) {
        return ((InstanceImpl) instance).offset;
    }

    // ---------------------------------------------------------------- create

    RegionInstance create(InstanceLayout layout, ProfilingRequestSet profiling, dev.kairos.Event waitOn) {
        EventImpl precondition = EventImpl.of(waitOn);
        InstanceProfile profile = profiling.isEmpty() ? null : new InstanceProfile(runtime.profiling(), profiling);
        InstanceImpl instance = new InstanceImpl(this, runtime.nextInstanceId(), layout, profile);
        long alignment = Math.max(layout.alignment(), storage.placementAlignment());
        lock.lock();
        try {
            // The request is registered before create returns: releases registered from now on are
            // never counted on for it (the planner's deadlock rule).
            instance.request = planner.newRequest(layout.totalBytes(), alignment, instance);
        } finally {
            lock.unlock();
        }
        precondition.whenTriggered(instance);
        return instance;
    }

    void onCreatePrecondition(InstanceImpl instance, Poison poison) {
        if (poison == null) {
            instance.ready.markReady();
        }
        Effects effects = new Effects();
        AllocOutcome outcome = null;
        lock.lock();
        try {
            if (poison != null) {
                planner.cancel(instance.request, effects);
            } else {
                outcome = planner.decide(instance.request, effects);
                if (outcome == AllocOutcome.ACCEPTED) {
                    deferredAllocations++;
                    runtime.tracer().allocationAccepted(this, instance, instance.request.bytes(), instance.request.plannedOffset());
                }
            }
        } finally {
            lock.unlock();
        }
        if (poison != null) {
            if (instance.profile != null) {
                instance.profile.ended(instance, new InstanceStatus(InstanceStatus.Result.CANCELLED_ALLOCATION,
                        "the precondition of create was poisoned: " + Failures.message(poison.cause())));
            }
            instance.ready.markCancelled(poison);
        } else if (instance.profile != null && (outcome == AllocOutcome.SUCCESS_NOW || outcome == AllocOutcome.ACCEPTED)) {
            instance.profile.allocResult(instance, true);
        }
        effects.run();
    }

    // ---------------------------------------------------------------- destroy

    EventImpl destroy(InstanceImpl instance, EventImpl precondition) {
        InstanceImpl.DestroyOp op;
        lock.lock();
        try {
            if (instance.destroy != null) {
                throw new IllegalStateException(instance + " was already destroyed (" + instance.destroy
                        + "); only a destroy whose precondition was poisoned can be repeated");
            }
            op = new InstanceImpl.DestroyOp(instance); // admitted before the planner is told, so a refusal changes nothing
            op.release = planner.registerRelease(instance.request);
            instance.destroy = op;
        } finally {
            lock.unlock();
        }
        precondition.whenTriggered(op);
        return op;
    }

    void onDestroyPrecondition(InstanceImpl.DestroyOp op, Poison poison) {
        if (poison == null) {
            op.markReady();
        }
        Effects effects = new Effects();
        lock.lock();
        try {
            if (poison != null) {
                planner.cancelRelease(op.release, effects);
                op.instance.destroy = null; // cancelled: the instance may be destroyed again
            } else {
                planner.triggerRelease(op.release, effects);
            }
        } finally {
            lock.unlock();
        }
        if (poison != null) {
            op.markCancelled(poison);
        }
        effects.run();
    }

    // ---------------------------------------------------------------- effects

    /**
     * What the planner did under the lock, acted on after it, in the planner's order. An effect is a
     * target and a number: the instance that was allocated and its offset, the destroy that took
     * effect and 1 if its instance held bytes, or a failed allocation. The first effect, usually the
     * only one, is held in fields; arrays are made for the rest.
     */
    private final class Effects implements AllocationPlanner.Effects {
        private int count;
        private Object first;
        private long firstValue;
        private Object[] targets;  // from the second effect on
        private long[] values;

        @Override
        public void allocated(AllocationPlanner.Request request, long offset) {
            allocations++;
            runtime.tracer().instanceAllocated(MemoryImpl.this, (InstanceImpl) request.owner(), request.outcome().name(), offset, request.bytes(), planner.used());
            add(request.owner(), offset);
        }

        @Override
        public void failed(AllocationPlanner.Request request, AllocFailure failure) {
            InstanceImpl instance = (InstanceImpl) request.owner();
            String message = "allocation of " + instance + " in " + MemoryImpl.this + " failed: " + failure.message();
            failedAllocations++;
            boolean warn = failuresLogged < WARN_FAILURES;
            boolean lastWarning = ++failuresLogged == WARN_FAILURES;
            runtime.tracer().allocationFailed(MemoryImpl.this, instance, request.bytes(), failure.reason().name(), failure.message());
            add(new FailedAllocation(instance, failure, message, warn, lastWarning), 0);
        }

        @Override
        public void released(AllocationPlanner.Release release) {
            InstanceImpl instance = (InstanceImpl) release.request().owner();
            boolean heldBytes = release.request().state() == AllocationPlanner.Request.State.FREED;
            runtime.tracer().instanceReleased(MemoryImpl.this, instance, planner.used());
            add(instance.destroy, heldBytes ? 1 : 0);
        }

        private void add(Object target, long value) {
            if (count == 0) {
                first = target;
                firstValue = value;
            } else {
                int i = count - 1;
                if (targets == null) {
                    targets = new Object[2];
                    values = new long[2];
                } else if (i == targets.length) {
                    targets = Arrays.copyOf(targets, 2 * i);
                    values = Arrays.copyOf(values, 2 * i);
                }
                targets[i] = target;
                values[i] = value;
            }
            count++;
        }

        void run() {
            if (count > 0) {
                apply(first, firstValue);
                for (int i = 0; i < count - 1; i++) {
                    apply(targets[i], values[i]);
                }
            }
        }

        private void apply(Object target, long value) {
            switch (target) {
                case InstanceImpl instance -> triggerReady(instance, value);
                case InstanceImpl.DestroyOp op -> triggerDestroyed(op, value != 0);
                case FailedAllocation failure -> poisonReady(failure);
                default -> throw new IllegalStateException("not an effect: " + target);
            }
        }
    }

    /** A failure as the planner reported it, with its message and log level decided under the lock. */
    private record FailedAllocation(InstanceImpl instance, AllocFailure failure, String message, boolean warn,
            boolean lastWarning) {}

    private void triggerReady(InstanceImpl instance, long offset) {
        instance.offset = offset;
        if (instance.profile != null) {
            instance.profile.ready();
        }
        instance.ready.markFinished();
    }

    private void poisonReady(FailedAllocation f) {
        InstanceImpl instance = f.instance();
        String message = f.message();
        if (f.warn()) {
            log.warn(f.lastWarning() ? message + " (further allocation failures in " + this + " are logged at DEBUG)" : message);
        } else {
            log.debug(message);
        }
        InstanceAllocationException error = new InstanceAllocationException(message, f.failure().bytes(),
                f.failure().capacity(), f.failure().used(), f.failure().pendingRelease());
        if (instance.profile != null) {
            instance.profile.allocResult(instance, false);
            instance.profile.ended(instance, new InstanceStatus(InstanceStatus.Result.FAILED_ALLOCATION, message));
        }
        instance.ready.markFailed(new Poison(error));
    }

    private void triggerDestroyed(InstanceImpl.DestroyOp op, boolean heldBytes) {
        InstanceImpl instance = op.instance;
        instance.freed = true;
        if (instance.profile != null && heldBytes) {
            instance.profile.ended(instance, new InstanceStatus(InstanceStatus.Result.DESTROYED_SUCCESSFULLY, ""));
        }
        op.markFinished();
    }

    @Override
    public String toString() {
        return "mem:" + name;
    }
}
