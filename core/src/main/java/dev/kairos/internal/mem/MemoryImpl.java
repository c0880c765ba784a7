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
import dev.kairos.internal.mem.Allocation.Phase;
import dev.kairos.internal.prof.InstanceProfile;
import dev.kairos.spi.InstanceStorage;
import dev.kairos.spi.MemoryStorage;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A managed memory: the backend's bytes ({@link MemoryStorage}), carved by an
 * {@link AllocationPlanner} that keeps the deferred-allocation rules of docs/DEFERRED_ALLOCATION.md.
 * Whatever backend provides the bytes (host segment, device arena), the rules are these, here, once.
 *
 * <p>Every planner call happens under {@link #lock}. The planner reports what happened as typed
 * effects (allocated, failed, released); they are collected under the lock and acted on after it is
 * released, because acting means triggering events, whose waiters may call back into this memory. A
 * release that sets off a long re-examination does at most {@link #WORK_BUDGET} promises' worth of
 * it on the releasing thread; the rest continues on the utility processor.
 *
 * <p>An instance's bytes are given back only after every use of them has ended: its accessors fail
 * from then on, and task bodies, shared views, copies and fills that pinned them finish first (see
 * {@link InstanceBytes}). {@link #closeScopes()} ends the shared views still open before the backend
 * frees the bytes.
 */
public final class MemoryImpl implements Memory, InstanceStorage.Placement {
    private static final Logger log = LoggerFactory.getLogger(MemoryImpl.class);
    /** Allocation failures logged at WARN per memory; later ones go to DEBUG so a failing loop does not flood the log. */
    private static final int WARN_FAILURES = 10;
    /** Promises one planner call looks at before the rest of a pass moves to the utility processor. */
    static final int WORK_BUDGET = 64;

    private final KairosRuntime runtime;
    private final MemoryKind kind;
    private final String name;
    private final long id;
    private final MemoryStorage storage;
    /** The backend's host view of the bytes, never handed out as is: accessors get slices in bounded scopes. */
    private final MemorySegment hostBytes;
    private volatile boolean closed;
    /** The instances with a shared view open, ended by {@link #closeScopes()} if their destroy did not. */
    private final Set<InstanceBytes> views = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();
    private final AllocationPlanner<InstanceImpl> planner; // guarded by lock
    private boolean continuationQueued; // guarded by lock
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
        this.hostBytes = storage.hostSegment();
        this.planner = new AllocationPlanner<>(storage.capacity(), runtime.config().deferredAllocation());
        this.planner.setWorkBudget(WORK_BUDGET);
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
        return storageOffset(instance);
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

    /**
     * Ends host access to every instance; called by {@code Kairos.close()} once no operation can run
     * any more, before the backends free the memory. Every shared view then reports itself closed (a
     * thread still inside an access gets an exception, the JVM waits for it), and a later
     * {@code accessor()} or {@code segment()} call fails. Task bodies' segments need nothing here:
     * their scopes closed when the bodies returned, and close keeps the memory allocated while a
     * body still runs.
     */
    public void closeScopes() {
        closed = true;
        for (InstanceBytes b : views) {
            b.endView();
        }
        views.clear();
    }

    /**
     * The instance's bytes for a host accessor on the calling thread: in the running task body's
     * scope ({@link HostLease}), or else in the instance's shared view.
     *
     * @throws IllegalStateException if the instance was destroyed or the runtime closed
     */
    MemorySegment hostSegment(InstanceImpl instance, InstanceBytes bytes) {
        checkAccessible(instance, bytes);
        HostLease lease = HostLease.current();
        if (lease != null) {
            return lease.segment(this, instance, bytes);
        }
        MemorySegment view = bytes.openView();
        if (view != null) {
            return view;
        }
        view = bytes.view(rawSlice(instance, bytes), views);
        if (view == null) {
            checkAccessible(instance, bytes);
            throw destroyed(instance, this);
        }
        if (closed) { // closeScopes may have run before this view was added: end it here
            bytes.endView();
            checkAccessible(instance, bytes);
        }
        return view;
    }

    void checkAccessible(InstanceImpl instance, InstanceBytes bytes) {
        if (closed) {
            throw new IllegalStateException(instance + " cannot be accessed: " + runtime + " was closed and " + this + " freed");
        }
        if (bytes.closed()) {
            throw destroyed(instance, this);
        }
    }

    static IllegalStateException destroyed(InstanceImpl instance, MemoryImpl memory) {
        return new IllegalStateException(instance + " was destroyed: its bytes in " + memory + " may belong to another instance");
    }

    /** The instance's bytes in the backend's own view, unbounded by any life: only ever handed out re-scoped. */
    MemorySegment rawSlice(InstanceImpl instance, InstanceBytes bytes) {
        return hostBytes.asSlice(bytes.offset, instance.layout().totalBytes());
    }

    /** Where {@code instance}'s bytes start in this memory, or -1 if it holds none (not yet, never, or no more). */
    public static long offsetOf(RegionInstance instance) {
        InstanceBytes b = ((InstanceImpl) instance).bytes;
        return b == null || b.closed() ? -1 : b.offset;
    }

    /**
     * Where the bytes of a ready instance start, for an engine or a device task.
     *
     * @throws IllegalStateException if it holds no bytes: not ready yet, its allocation failed, or it
     *     was destroyed
     */
    public static long storageOffset(RegionInstance instance) {
        InstanceImpl i = (InstanceImpl) instance;
        InstanceBytes b = i.bytes;
        if (b == null) {
            throw new IllegalStateException(instance + " holds no bytes in " + i.memory
                    + ": it is not ready yet, or its allocation failed (run the operation after instance.ready())");
        }
        if (b.closed()) {
            throw new IllegalStateException(instance + " was destroyed: its bytes in " + i.memory
                    + " may belong to another instance (order the destroy after every use)");
        }
        return b.offset;
    }

    /**
     * Refuses, at the call, an operation on an instance that can never hold its bytes again: one
     * whose destroy has begun, or any after the runtime closed.
     *
     * @throws IllegalStateException naming the instance and why
     */
    public static void checkUsable(RegionInstance instance, String operation) {
        InstanceImpl i = (InstanceImpl) instance;
        if (i.memory.closed) {
            throw new IllegalStateException(operation + " of " + instance + " refused: " + i.memory.runtime
                    + " was closed and " + i.memory + " freed");
        }
        InstanceBytes b = i.bytes;
        if (b != null && b.closed()) {
            throw new IllegalStateException(operation + " of " + instance + " refused: it was destroyed, its bytes in "
                    + i.memory + " may belong to another instance");
        }
    }

    /**
     * Holds an instance's bytes while an engine copies or fills them: a destroy that triggers
     * meanwhile waits for {@link #unpin}. Returns false, pinning nothing, if the instance holds no
     * bytes (destroyed, or never allocated).
     */
    public static boolean pin(RegionInstance instance) {
        InstanceBytes b = ((InstanceImpl) instance).bytes;
        return b != null && b.pin();
    }

    /** Ends a {@link #pin}. */
    public static void unpin(RegionInstance instance) {
        ((InstanceImpl) instance).bytes.unpin();
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
            // never counted on for it (the deadlock rule).
            instance.allocation = planner.newRequest(layout.totalBytes(), alignment, instance);
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
        Phase decision = null;
        lock.lock();
        try {
            if (poison != null) {
                planner.cancel(instance.allocation, effects);
            } else {
                decision = planner.decide(instance.allocation, effects);
                if (decision == Phase.PROMISED) {
                    deferredAllocations++;
                    runtime.tracer().allocationAccepted(this, instance, instance.allocation.bytes(), plannedOrHeld(instance.allocation));
                }
            }
            queueContinuation();
        } finally {
            lock.unlock();
        }
        if (poison != null) {
            if (instance.profile != null) {
                instance.profile.ended(instance, new InstanceStatus(Phase.CANCELLED.status(),
                        "the precondition of create was poisoned: " + Failures.message(poison.cause())));
            }
            instance.ready.markCancelled(poison);
        } else if (instance.profile != null && (decision == Phase.LIVE || decision == Phase.PROMISED)) {
            instance.profile.allocResult(instance, true);
        }
        effects.run();
    }

    /**
     * Where an accepted allocation is planned, for the trace: the pass that accepted it may already
     * have completed it (then where it landed) or even freed it (where it was).
     */
    private static long plannedOrHeld(Allocation<InstanceImpl> allocation) {
        Phase phase = allocation.phase();
        return phase.promised() ? allocation.plannedOffset() : phase == Phase.LIVE || phase == Phase.FREED ? allocation.offset() : -1;
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
            planner.registerRelease(instance.allocation);
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
        InstanceBytes endView = null;
        lock.lock();
        try {
            if (poison != null) {
                planner.cancelRelease(op.instance.allocation, effects);
                op.instance.destroy = null; // cancelled: the instance may be destroyed again
            } else if (!op.instance.allocation.live()) {
                planner.triggerRelease(op.instance.allocation, effects); // takes effect once it resolves (rule 4)
            } else if (op.instance.bytes.close(() -> giveBack(op))) {
                planner.triggerRelease(op.instance.allocation, effects); // every use has ended
            } else {
                endView = op.instance.bytes; // a view, a body, a copy or a fill holds the bytes: the last gives them back
            }
            queueContinuation();
        } finally {
            lock.unlock();
        }
        if (poison != null) {
            op.markCancelled(poison);
        }
        if (endView != null) {
            views.remove(endView);
            endView.endView(); // outside the lock: closing a shared scope waits for every thread
        }
        effects.run();
    }

    /** The destroy of a live instance whose uses have ended: its bytes go back to the planner. */
    private void giveBack(InstanceImpl.DestroyOp op) {
        Effects effects = new Effects();
        lock.lock();
        try {
            planner.triggerRelease(op.instance.allocation, effects);
            queueContinuation();
        } finally {
            lock.unlock();
        }
        effects.run();
    }

    /** A pass the work budget cut short continues on the utility processor. Called with the lock held. */
    private void queueContinuation() {
        if (planner.hasPendingWork() && !continuationQueued) {
            continuationQueued = true;
            runtime.utilityProcessor().submit(this::continueWork);
        }
    }

    private void continueWork() {
        Effects effects = new Effects();
        lock.lock();
        try {
            continuationQueued = false;
            planner.continueWork(effects);
            queueContinuation();
        } finally {
            lock.unlock();
        }
        effects.run();
    }

    // ---------------------------------------------------------------- effects

    /**
     * What the planner did, as the memory acts on it after unlocking.
     *
     * <p>Each effect applies itself, rather than a switch over the sealed type: a type switch's first run
     * bootstraps a class of its own ({@code SwitchBootstraps}), which the AOT cache does not keep, so
     * every process paid it on its first batch's path. Measured stand-alone, after the FFM linker's own
     * switches had run (as they have in Kairos by then): 3-9 ms for the first call of a three-case switch,
     * 1-3 ms for the same first call without one (an instanceof chain).
     */
    private sealed interface Effect {
        void apply(MemoryImpl memory);
    }

    /** The instance holds its bytes (a destroy that came first may already have closed them again). */
    private record Ready(InstanceImpl instance) implements Effect {
        @Override
        public void apply(MemoryImpl memory) {
            triggerReady(instance);
        }
    }

    /** The allocation failed; message and log level decided under the lock. */
    private record Refused(InstanceImpl instance, AllocFailure failure, String message, boolean warn, boolean lastWarning)
            implements Effect {
        @Override
        public void apply(MemoryImpl memory) {
            memory.poisonReady(this);
        }
    }

    /** The destroy took effect; {@code heldBytes} false when it was a no-op (failed or cancelled allocation). */
    private record Destroyed(InstanceImpl.DestroyOp op, boolean heldBytes) implements Effect {
        @Override
        public void apply(MemoryImpl memory) {
            triggerDestroyed(op, heldBytes);
        }
    }

    /**
     * The effects of one planner call, in the planner's order. The first, usually the only one, is
     * held in a field; a list is made for the rest.
     */
    private final class Effects implements AllocationPlanner.Effects<InstanceImpl> {
        private Effect first;
        private List<Effect> rest;

        @Override
        public void allocated(Allocation<InstanceImpl> allocation) {
            allocations++;
            allocation.owner().bytes = new InstanceBytes(allocation.offset());
            runtime.tracer().instanceAllocated(MemoryImpl.this, allocation.owner(), allocation.accepted() ? "EVENTUAL_SUCCESS" : "SUCCESS_NOW",
                    allocation.offset(), allocation.bytes(), planner.used());
            add(new Ready(allocation.owner()));
        }

        @Override
        public void failed(Allocation<InstanceImpl> allocation) {
            InstanceImpl instance = allocation.owner();
            AllocFailure failure = allocation.failure();
            String message = "allocation of " + instance + " in " + MemoryImpl.this + " failed: " + failure.message();
            failedAllocations++;
            boolean warn = failuresLogged < WARN_FAILURES;
            boolean lastWarning = ++failuresLogged == WARN_FAILURES;
            runtime.tracer().allocationFailed(MemoryImpl.this, instance, allocation.bytes(), failure.outcome().reason(), failure.message());
            add(new Refused(instance, failure, message, warn, lastWarning));
        }

        @Override
        public void released(Allocation<InstanceImpl> allocation, boolean heldBytes) {
            InstanceImpl instance = allocation.owner();
            if (heldBytes) {
                instance.bytes.closeNow();  // a destroy that came first: no accessor may ever reach these bytes
            }
            runtime.tracer().instanceReleased(MemoryImpl.this, instance, planner.used());
            add(new Destroyed(instance.destroy, heldBytes));
        }

        private void add(Effect effect) {
            if (first == null) {
                first = effect;
            } else {
                if (rest == null) {
                    rest = new ArrayList<>(4);
                }
                rest.add(effect);
            }
        }

        void run() {
            if (first != null) {
                first.apply(MemoryImpl.this);
                if (rest != null) {
                    for (Effect effect : rest) {
                        effect.apply(MemoryImpl.this);
                    }
                }
            }
        }
    }

    private static void triggerReady(InstanceImpl instance) {
        if (instance.profile != null) {
            instance.profile.ready();
        }
        instance.ready.markFinished();
    }

    private void poisonReady(Refused f) {
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
            instance.profile.ended(instance, new InstanceStatus(f.failure().outcome().status(), message));
        }
        instance.ready.markFailed(new Poison(error));
    }

    private static void triggerDestroyed(InstanceImpl.DestroyOp op, boolean heldBytes) {
        InstanceImpl instance = op.instance;
        if (instance.profile != null && heldBytes) {
            instance.profile.ended(instance, new InstanceStatus(Phase.FREED.status(), ""));
        }
        op.markFinished();
    }

    @Override
    public String toString() {
        return "mem:" + name;
    }
}
