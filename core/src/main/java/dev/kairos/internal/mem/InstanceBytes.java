package dev.kairos.internal.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bytes a live instance holds, and who may still touch them.
 *
 * <p><b>Host access</b> goes through a segment of the instance's own shared {@link Arena}, made on
 * the first {@code accessor()} call and closed when the destroy takes effect or the runtime closes.
 * Every segment handed out then reports itself closed, and a thread still using one gets an
 * {@link IllegalStateException} from the JVM (closing a shared arena waits until no thread is inside
 * an access), never the bytes of whatever instance is placed there next. The arena is made lazily
 * because closing a shared arena costs a handshake with every thread; an instance that is only
 * copied, filled or handed to a device never pays it.
 *
 * <p><b>Copies and fills</b> {@link #pin() pin} the bytes while their engine runs. A destroy whose
 * precondition triggers meanwhile closes the host scope at once but gives the bytes back only when
 * the last pin is released, so an engine never writes into bytes another instance holds; a pin asked
 * for after the destroy began is refused, so the operation fails and touches nothing.
 *
 * <p><b>Memory ordering.</b> {@link #state} is only changed by compare-and-set. The continuation a
 * closing destroy leaves for the last pin is written before the CAS that sets {@link #CLOSING}, and
 * read by the unpin whose decrement observes it: the CASes order the two.
 */
final class InstanceBytes {
    private static final int CLOSING = Integer.MIN_VALUE;
    private static final Object CLOSED = new Object();
    private static final VarHandle STATE;
    private static final VarHandle SCOPE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(InstanceBytes.class, "state", int.class);
            SCOPE = lookup.findVarHandle(InstanceBytes.class, "scope", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A host scope that was made: its arena and the instance's bytes in it. */
    private record Scoped(Arena arena, MemorySegment segment) {}

    final long offset;
    @SuppressWarnings("unused") // through STATE: the pin count, and CLOSING once the destroy began
    private volatile int state;
    @SuppressWarnings("unused") // through SCOPE: null, a Scoped, or CLOSED
    private volatile Object scope;
    /** What the last pin runs when a destroy is waiting for it; written before CLOSING is set. */
    private Runnable afterPins;

    InstanceBytes(long offset) {
        this.offset = offset;
    }

    /**
     * The instance's bytes as a segment of its own scope, made on the first call; null once the
     * scope was closed (the instance was destroyed, or the runtime closed).
     *
     * @param bytes the instance's bytes in its memory's host segment
     */
    @SuppressWarnings("restricted") // reinterpret only narrows the scope of bytes the memory owns
    MemorySegment segment(MemorySegment bytes) {
        while (true) {
            Object s = SCOPE.getVolatile(this);
            if (s == CLOSED) {
                return null;
            }
            if (s instanceof Scoped scoped) {
                return scoped.segment();
            }
            Arena arena = Arena.ofShared();
            MemorySegment segment = bytes.reinterpret(arena, null);
            if (SCOPE.compareAndSet(this, null, new Scoped(arena, segment))) {
                return segment;
            }
            arena.close();  // another thread made one first (or the scope closed): use that one
        }
    }

    /** Closes the host scope, if any was made; later {@link #segment} calls fail. Idempotent. */
    void closeScope() {
        Object s = SCOPE.getAndSet(this, CLOSED);
        if (s instanceof Scoped scoped) {
            scoped.arena().close();
        }
    }

    /** Whether host access ended. */
    boolean scopeClosed() {
        return SCOPE.getVolatile(this) == CLOSED;
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
     * Ends every use at once when there is nothing to wait for: no host scope was made and no pin
     * is held. Returns false, having changed nothing that matters, when {@link #close} must be used.
     */
    boolean closeIfUnused() {
        if (!SCOPE.compareAndSet(this, null, CLOSED)) {
            return false;  // a host scope exists: closing it is a handshake, not to be done under a lock
        }
        return STATE.compareAndSet(this, 0, CLOSING);  // false: pins are held; close() waits for them
    }

    /**
     * Begins the destroy: refuses new pins and closes the host scope. Returns true when no pin is
     * held, so the caller gives the bytes back now; otherwise the last unpin runs {@code thenFree}.
     */
    boolean close(Runnable thenFree) {
        afterPins = thenFree;
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if (STATE.compareAndSet(this, s, s | CLOSING)) {
                closeScope();
                return s == 0;
            }
        }
    }

    @Override
    public String toString() {
        return "bytes[offset=" + offset + " state=" + Integer.toHexString((int) STATE.getVolatile(this)) + "]";
    }
}
