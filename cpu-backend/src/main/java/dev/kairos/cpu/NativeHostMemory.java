package dev.kairos.cpu;

import dev.kairos.KairosException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Host memory from the C library's {@code calloc}, freed with {@code free}.
 *
 * <p>Why not {@code Arena.allocate}: it writes zeros over every byte at once, which for the default
 * 512 MiB of SYSTEM memory costs about 0.65 s of page faults at start (measured on a 2-core build
 * machine) and commits all of it. {@code calloc} maps zero pages lazily, so a runtime pays only for
 * the bytes its instances touch. The segment is sliced to the requested alignment.
 *
 * <p>The segment belongs to a shared {@link Arena} that {@link #close()} closes before it frees the
 * bytes: a segment kept past that point reports itself closed, and any access fails with an
 * exception instead of reading freed memory.
 */
final class NativeHostMemory implements AutoCloseable {
    private static final MethodHandle CALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        CALLOC = linker.downcallHandle(linker.defaultLookup().find("calloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private MemorySegment base;
    private final Arena scope;
    private final MemorySegment segment;

    private NativeHostMemory(MemorySegment base, Arena scope, MemorySegment segment) {
        this.base = base;
        this.scope = scope;
        this.segment = segment;
    }

    /**
     * {@code bytes} zeroed bytes whose first byte is aligned to {@code alignment}.
     *
     * @param purpose what the bytes are for, and the setting that sizes them, for the message if they cannot be had
     * @throws KairosException if the C library cannot provide them
     */
    static NativeHostMemory allocate(long bytes, long alignment, String purpose) {
        long total = Math.addExact(Math.max(bytes, 1), alignment - 1);
        MemorySegment base;
        try {
            base = (MemorySegment) CALLOC.invokeExact(1L, total);
        } catch (Throwable t) {
            throw new KairosException("could not allocate " + purpose + ": calloc(" + total + ") failed", t);
        }
        if (base.equals(MemorySegment.NULL)) {
            throw new KairosException("could not allocate " + purpose + ": calloc returned no memory for " + bytes + " bytes ("
                    + human(bytes) + "), more than the machine, or the limits set on this process, can give; configure less");
        }
        long skip = (alignment - base.address() % alignment) % alignment;
        Arena scope = Arena.ofShared();
        MemorySegment segment = base.reinterpret(total, scope, null).asSlice(skip, bytes);
        return new NativeHostMemory(base, scope, segment);
    }

    /** {@code 1.5 GiB}: the size in the largest binary unit it reaches, for a reader of the message. */
    private static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (base == null) {
            return;
        }
        scope.close();  // waits for any thread inside an access; every later access fails
        try {
            FREE.invokeExact(base);
        } catch (Throwable t) {
            throw new KairosException("free of host memory failed", t);
        } finally {
            base = null;
        }
    }
}
