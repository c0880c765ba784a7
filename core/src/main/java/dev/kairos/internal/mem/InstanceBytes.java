package dev.kairos.internal.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bytes a live instance holds, and who may still touch them: a generation check that
 * accessors, copies and fills respect, ended by the instance's destroy.
 *
 * <p><b>Accessors</b> check it on every {@code segment()} call: once the destroy has begun, the call
 * fails with {@link IllegalStateException}, so a write through an accessor obtained before the
 * destroy never reaches the bytes of the instance placed there next. (A segment fetched before the
 * destroy and kept is the program's to stop using: its scope is the memory's, which ends only when
 * the runtime closes. Closing a per-instance scope instead costs a handshake with every thread per
 * destroy: a quarter of the tutorial's batch rate and three times the time of its chain of small
 * batches, measured on a two-core machine; see docs/PERFORMANCE.md.)
 *
 * <p><b>Copies and fills</b> {@link #pin() pin} the bytes while their engine runs. A destroy whose
 * precondition triggers meanwhile ends host access at once but gives the bytes back only when the
 * last pin is released, so an engine never writes into bytes another instance holds; a pin asked for
 * after the destroy began is refused, so the operation fails and touches nothing.
 *
 * <p><b>Memory ordering.</b> {@link #state} is only changed by compare-and-set. The continuation a
 * closing destroy leaves for the last pin is written before the CAS that sets {@link #CLOSING}, and
 * read by the unpin whose decrement observes it: the CASes order the two.
 */
final class InstanceBytes {
    private static final int CLOSING = Integer.MIN_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(InstanceBytes.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long offset;
    @SuppressWarnings("unused") // through STATE: the pin count, and CLOSING once the destroy began
    private volatile int state;
    /** What the last pin runs when a destroy is waiting for it; written before CLOSING is set. */
    private Runnable afterPins;

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

    @Override
    public String toString() {
        return "bytes[offset=" + offset + " state=" + Integer.toHexString((int) STATE.getVolatile(this)) + "]";
    }
}
