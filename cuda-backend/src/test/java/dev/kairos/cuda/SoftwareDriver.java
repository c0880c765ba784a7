package dev.kairos.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * What the tests tagged {@code software-driver} ask the software CUDA driver
 * ({@code cuda-backend/software-driver}) beyond CUDA: how often an entry point was called and what
 * is still allocated. It is the {@code libcuda.so.1} that JCuda loaded (the same library, found
 * through {@code LD_LIBRARY_PATH}); with NVIDIA's driver, or none, {@link #assumeLoaded} skips.
 */
public final class SoftwareDriver {
    private static final Optional<SymbolLookup> LIBRARY = lookup();

    private SoftwareDriver() {}

    private static Optional<SymbolLookup> lookup() {
        try {
            SymbolLookup library = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return library.find("kairos_softcuda_live").isPresent() ? Optional.of(library) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Skips the calling test unless the software driver is the CUDA driver of this process. */
    public static void assumeLoaded() {
        assumeTrue(LIBRARY.isPresent(), "the libcuda.so.1 on the library path is not Kairos's software driver"
                + " (run with LD_LIBRARY_PATH=<dir of cuda-backend/software-driver/build.sh's output>)");
    }

    /** How often {@code entryPoint} (e.g. {@code cuMemAlloc_v2}) has been called in this process. */
    public static long calls(String entryPoint) {
        MethodHandle calls = function("kairos_softcuda_calls", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            long n = (long) calls.invokeExact(arena.allocateFrom(entryPoint));
            if (n < 0) {
                throw new IllegalArgumentException("the software driver has no entry point " + entryPoint);
            }
            return n;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The resources the driver still holds, or null if none: retained contexts, streams, events, modules, memory. */
    public static String live() {
        MethodHandle live = function("kairos_softcuda_live",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(1024);
            int count = (int) live.invokeExact(text, text.byteSize());
            return count == 0 ? null : count + " live: " + text.getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        assumeLoaded();
        return Linker.nativeLinker().downcallHandle(LIBRARY.orElseThrow().find(name).orElseThrow(), descriptor);
    }
}
