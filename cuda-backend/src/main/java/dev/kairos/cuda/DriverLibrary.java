package dev.kairos.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * The NVIDIA driver's library, opened before JCuda is touched. JCuda loads its own native library
 * from {@code java.library.path} first (the launchers put it there), and where that fails to link
 * because {@code libcuda.so.1} is missing, it unpacks another copy to a fixed name in
 * {@code java.io.tmpdir} and loads whatever file already lies under that name, which any local user
 * can plant. Opening the driver here first turns a machine without one into an
 * {@link UnsatisfiedLinkError}, and JCuda is never asked.
 *
 * <p>Through {@link SymbolLookup#libraryLookup(String, Arena)}, which opens a library without
 * linking a downcall: a {@code dlopen} and {@code dlerror} of our own through FFM cost a cold
 * 1 000-batch tutorial run a third of its rate on this project's 2-core machines, their method
 * handles spun while the first batches ran. The price is the loader's own reason, which the lookup
 * does not give: {@link #loaderReason} asks for it with those downcalls, where the run ends anyway
 * ({@code cuda=required}).
 */
final class DriverLibrary {
    /** What the CUDA driver API's library is called on Linux, the one platform Kairos ships JCuda's natives for. */
    static final String LINUX = "libcuda.so.1";

    /** {@code dlopen}'s flag: resolve every symbol now, as a failed load would have. */
    private static final int RTLD_NOW = 2;

    private DriverLibrary() {}

    /** What {@link #open} throws when the dynamic loader cannot open {@link #LINUX}: {@link #loaderReason} may say why. */
    static final class NotOpened extends UnsatisfiedLinkError {
        private static final long serialVersionUID = 1L;

        /** Where the loader looks, and the likely remedy: the end of either wording. */
        static final String WHERE = "(it looks in LD_LIBRARY_PATH, then the ld.so cache); is the NVIDIA driver installed?";

        NotOpened() {
            super(LINUX + ": cannot open shared object file: the dynamic loader found none, or none it could load " + WHERE);
        }
    }

    /**
     * Opens {@link #LINUX} for the life of the process, as JCuda would; does nothing on other
     * platforms, where JCuda's own loading stands.
     *
     * @throws NotOpened if the dynamic loader cannot open it
     */
    static void open() {
        if (!linux()) {
            return;
        }
        try {
            SymbolLookup.libraryLookup(LINUX, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NotOpened();
        }
    }

    /**
     * The dynamic loader's own reason for not opening {@link #LINUX}, as {@code dlerror} words it:
     * which file it tried and what was wrong with it ({@code /usr/lib/x86_64-linux-gnu/libcuda.so.1:
     * file too short}, {@code libcuda.so.1: cannot open shared object file: No such file or
     * directory}). Empty where it opens now, or where the C library has no {@code dlopen}. This links
     * two downcalls, which costs a run that goes on afterwards (see the class comment): for a message
     * that ends the run only.
     */
    static Optional<String> loaderReason() {
        if (!linux()) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> dlopen = linker.defaultLookup().find("dlopen");
        Optional<MemorySegment> dlerror = linker.defaultLookup().find("dlerror");
        if (dlopen.isEmpty() || dlerror.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle open = linker.downcallHandle(dlopen.get(), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        MethodHandle error = linker.downcallHandle(dlerror.get(), FunctionDescriptor.of(ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) open.invokeExact(arena.allocateFrom(LINUX), RTLD_NOW);
            if (!handle.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            MemorySegment message = (MemorySegment) error.invokeExact();
            return message.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(message.reinterpret(Long.MAX_VALUE).getString(0));
        } catch (Throwable t) {
            throw new IllegalStateException("dlopen(" + LINUX + ") through FFM failed: " + t, t);
        }
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }
}
