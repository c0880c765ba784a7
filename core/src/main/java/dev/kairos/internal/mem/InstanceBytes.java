package dev.kairos.internal.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * The bytes a live instance holds, and who may still touch them: a pin count and a closed flag that
 * accessors, copies and fills respect, ended by the instance's destroy.
 *
 * <p><b>Accessors</b> check it on every {@code segment()} call: once the destroy has begun, the call
 * fails with {@link IllegalStateException}. The segments they hand out are bounded too. In a task
 * body a segment belongs to the body's confined scope ({@link HostLease}), which pins the bytes
 * until the body returns. Anywhere else it is this instance's {@link #view(MemorySegment, Runnable) shared view}: a scope of
 * its own, made on the first such call, pinning the bytes until the destroy (or the runtime's close)
 * ends it; from then on every access through it fails, and the JVM waits for a thread inside one.
 * Only instances touched outside task bodies pay for a shared scope's close, a handshake with every
 * thread.
 *
 * <p><b>Copies and fills</b> {@link #pin() pin} the bytes while their engine runs. A destroy whose
 * precondition triggers meanwhile ends host access at once but gives the bytes back only when the
 * last pin is released, so nothing ever writes into bytes another instance holds; a pin asked for
 * after the destroy began is refused, so the operation fails and touches nothing.
 *
 * <p><b>Memory ordering.</b> {@link #state} and {@link #view} are only changed by compare-and-set or
 * get-and-set. The continuation a closing destroy leaves for the last pin is written before the CAS
 * that sets {@link #CLOSING}, and read by the unpin whose decrement observes it: the CASes order the
 * two. A view is made by pinning, then publishing it; a destroy sets {@link #CLOSING}, then takes
 * the view away: whichever of the two racing threads comes second sees the other's write, so either
 * the destroy ends the new view or its maker does.
 */
final class InstanceBytes {
    private static final int CLOSING = Integer.MIN_VALUE;
    private static final VarHandle STATE;
    private static final VarHandle VIEW;
    /** {@link #view} once it was ended: no view can be made any more. */
    private static final Object ENDED = new Object();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(InstanceBytes.class, "state", int.class);
            VIEW = MethodHandles.lookup().findVarHandle(InstanceBytes.class, "view", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long offset;
    @SuppressWarnings("unused") // through STATE: the pin count, and CLOSING once the destroy began
    private volatile int state;
    /** What the last pin runs when a destroy is waiting for it; written before CLOSING is set. */
    private Runnable afterPins;
    @SuppressWarnings("unused") // through VIEW: null, a View, or ENDED
    private volatile Object view;

    /** A segment of the bytes in a shared scope of their own, for threads outside task bodies. */
    private record View(Arena scope, MemorySegment segment) {}

    InstanceBytes(long offset) {
        this.offset = offset;
    }

    /** Whether the destroy has begun: no accessor, copy or fill may touch the bytes any more. */
    boolean closed() {
        return ((int) STATE.getAcquire(this) & CLOSING) != 0;
    }

    /** Holds the bytes for an engine; false if a destroy already began (then nothing may touch them). */
    boolean pin() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** Releases a pin; the last one runs the destroy that waited for it. */
    void unpin() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & ~CLOSING) == 0) {
                throw new IllegalStateException("unpin without a pin: " + this);
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                if (s - 1 == CLOSING) {
                    afterPins.run();
                }
                return;
            }
        }
    }

    /**
     * Begins the destroy: refuses new pins and ends host access. Returns true when no pin is held,
     * so the caller gives the bytes back now; otherwise the last unpin runs {@code thenFree}.
     */
    boolean close(Runnable thenFree) {
        afterPins = thenFree;
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if (STATE.compareAndSet(this, s, s | CLOSING)) {
                return s == 0;
            }
        }
    }

    /** Ends host access for good without waiting for anything: its bytes were given back already (rule 4). */
    void closeNow() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if (STATE.compareAndSet(this, s, s | CLOSING)) {
                return;
            }
        }
    }

    /** The shared view if one is open: null before the first {@link #view(MemorySegment, Set)} call and after {@link #endView()}. */
    MemorySegment openView() {
        return VIEW.getAcquire(this) instanceof View open ? open.segment() : null;
    }

    /**
     * The bytes as threads outside task bodies see them: {@code slice} in a shared scope of this
     * instance's own, made on the first call and pinning the bytes until {@link #endView()}.
     *
     * @param views where the view is added when this call makes it (the memory ends them at close)
     * @return null if the destroy has begun or the view was ended
     */
    @SuppressWarnings("restricted") // reinterpret only narrows the scope of bytes the backend owns
    MemorySegment view(MemorySegment slice, Set<InstanceBytes> views) {
        while (true) {
            Object v = VIEW.getAcquire(this);
            if (v instanceof View existing) {
                return existing.segment();
            }
            if (v == ENDED || !pin()) {
                return null;
            }
            Arena scope = Arena.ofShared();
            View fresh = new View(scope, slice.reinterpret(scope, null));
            if (VIEW.compareAndSet(this, null, fresh)) {
                views.add(this);
                return fresh.segment();
            }
            scope.close(); // another thread's view won, or the view was ended meanwhile
            unpin();
        }
    }

    /**
     * Ends the shared view for good, if one was made: every access through it fails from now on.
     * Called once the destroy has begun ({@link #close}) or when the runtime closes; its pin is
     * released, which may give the bytes back.
     */
    void endView() {
        if (VIEW.getAndSet(this, ENDED) instanceof View ended) {
            ended.scope().close();
            unpin();
        }
    }

    @Override
    public String toString() {
        return "bytes[offset=" + offset + " state=" + Integer.toHexString((int) STATE.getVolatile(this)) + "]";
    }
}
