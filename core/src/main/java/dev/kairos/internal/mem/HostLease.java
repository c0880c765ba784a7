package dev.kairos.internal.mem;

import dev.kairos.internal.event.Awaiter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The instance bytes one running task body has been lent: every accessor segment the body asks for
 * belongs to one confined scope, opened on the first request and closed when the body returns.
 *
 * <p>Why a confined scope per body. A segment kept past its instance's destroy must not reach the
 * bytes another instance holds next. A shared scope per instance would do it, but closing a shared
 * scope is a handshake with every thread of the JVM, paid once per destroy; a confined scope closes
 * with a plain write, because only its owner thread can be inside an access. A body runs on one
 * thread from start to end, so its segments can be confined to it: they cost one scope, one pin per
 * instance and one close per body, whatever the number of accesses, and a segment kept after the
 * body reports itself closed. Handing one to another thread fails there with
 * {@code WrongThreadException}; that thread asks the accessor for its own segment instead.
 *
 * <p>Each instance lent is {@link InstanceBytes#pin() pinned} until the body returns, so a destroy
 * that takes effect while the body still holds a segment (one not ordered after the body: a program
 * error, but not a crash) gives the bytes back only once the body is done, as a copy's does.
 *
 * <p>Confined to the body's thread, like the scope it holds; not thread-safe.
 */
public final class HostLease {

    /** A thread the runtime owns that may be running a task body (a processor's worker). */
    public interface Site {
        /** The lease of the task body running on the current thread, made on first use; null if none runs. */
        HostLease lease();
    }

    /**
     * Set by the first lend on any thread, never cleared: until then a returning body has nothing to
     * end, and finding its worker is skipped. Plain: a thread that lent reads its own write.
     */
    private static boolean everLent;

    private Arena scope;
    private InstanceBytes[] held = new InstanceBytes[2];
    private MemorySegment[] lent = new MemorySegment[2];
    private int count;

    /** Whether any body may have been lent bytes (see {@link #everLent}). */
    public static boolean anyLent() {
        return everLent;
    }

    /** The lease of the task body running on the calling thread, or null outside a body. */
    static HostLease current() {
        return Awaiter.CURRENT.isBound() && Awaiter.CURRENT.get() instanceof Site site ? site.lease() : null;
    }

    /**
     * The instance's bytes in this body's scope: the same segment for every accessor of the
     * instance, its bytes pinned until {@link #end()}.
     *
     * @throws IllegalStateException if the instance's destroy has begun
     */
    @SuppressWarnings("restricted") // reinterpret only narrows the scope of bytes the backend owns
    MemorySegment segment(MemoryImpl memory, InstanceImpl instance, InstanceBytes bytes) {
        for (int i = 0; i < count; i++) {
            if (held[i] == bytes) {
                return lent[i];
            }
        }
        MemorySegment slice = memory.rawSlice(instance, bytes);
        if (!bytes.pin()) {
            throw MemoryImpl.destroyed(instance, memory);
        }
        if (scope == null) {
            scope = Arena.ofConfined();
            everLent = true;
        }
        if (count == held.length) {
            held = Arrays.copyOf(held, count * 2);
            lent = Arrays.copyOf(lent, count * 2);
        }
        held[count] = bytes;
        lent[count] = slice.reinterpret(scope, null);
        return lent[count++];
    }

    /** The body returned: its segments report themselves closed, then the bytes it held are let go. */
    public void end() {
        if (scope != null) {
            scope.close();
            scope = null;
        }
        for (int i = 0; i < count; i++) {
            InstanceBytes bytes = held[i];
            held[i] = null;
            lent[i] = null;
            bytes.unpin();
        }
        count = 0;
    }
}
