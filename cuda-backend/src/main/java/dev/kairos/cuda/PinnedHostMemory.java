package dev.kairos.cuda;

import dev.kairos.KairosException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Host memory that every GPU can reach: the bytes of ZERO_COPY memory. Kairos allocates them itself
 * ({@code calloc}, page-aligned) and pins them with {@code cuMemHostRegister}, mapped for every
 * context.
 *
 * <p>Why not {@code cuMemHostAlloc}: JCuda hands its result back wrapped in a {@code ByteBuffer},
 * which cannot exceed 2 GiB, so a larger request failed after the driver had pinned the memory, and
 * nothing freed it. Registering memory Kairos holds involves no buffer, works for any size, and
 * leaves the bytes' lifetime with Kairos. {@code calloc} rather than {@code Arena.allocate}: the C
 * library maps zero pages lazily, so nothing is written before CUDA pins the pages (as the CPU
 * backend's SYSTEM memory does, for the same reason).
 */
final class PinnedHostMemory {
    /** CUDA pins whole pages; the range starts on one. */
    private static final long PAGE = 4096;
    private static final MethodHandle CALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        CALLOC = linker.downcallHandle(linker.defaultLookup().find("calloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private final CudaDriver driver;
    private final MemorySegment base;
    private final MemorySegment segment;

    private PinnedHostMemory(CudaDriver driver, MemorySegment base, MemorySegment segment) {
        this.driver = driver;
        this.base = base;
        this.segment = segment;
    }

    /**
     * {@code bytes} of zeroed host memory, pinned and mapped for every context; a context must be
     * current. On failure nothing stays allocated or pinned.
     *
     * @throws KairosException if the C library has no memory for it
     * @throws CudaException if CUDA cannot pin it
     */
    static PinnedHostMemory pin(CudaDriver driver, long bytes) {
        long total = Math.addExact(bytes, PAGE - 1);
        MemorySegment base;
        try {
            base = (MemorySegment) CALLOC.invokeExact(1L, total);
        } catch (Throwable t) {
            throw new KairosException("could not allocate zero-copy memory: calloc(" + total + ") failed", t);
        }
        if (base.equals(MemorySegment.NULL)) {
            throw new KairosException("could not allocate zero-copy memory: zeroCopyMemory=" + bytes
                    + " bytes, and the C library returned no memory; lower zeroCopyMemory (--zcmem on the kairos command line)");
        }
        long skip = (PAGE - base.address() % PAGE) % PAGE;
        MemorySegment segment = base.reinterpret(total).asSlice(skip, bytes);
        try {
            driver.registerHost(segment.address(), bytes);
        } catch (RuntimeException e) {
            free(base);
            throw e;
        }
        return new PinnedHostMemory(driver, base, segment);
    }

    /** The pinned bytes, as the host sees them. */
    MemorySegment segment() {
        return segment;
    }

    /**
     * Unpins and frees the bytes; the context that pinned them must be current. If CUDA refuses to
     * unpin them (a context broken by a sticky error) they stay allocated: CUDA may still hold them.
     */
    void close() {
        driver.unregisterHost(segment.address());
        free(base);
    }

    private static void free(MemorySegment base) {
        try {
            FREE.invokeExact(base);
        } catch (Throwable t) {
            throw new KairosException("free of zero-copy memory failed", t);
        }
    }
}
