package dev.kairos.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Locale;

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
 * does not give.
 */
final class DriverLibrary {
    /** What the CUDA driver API's library is called on Linux, the one platform Kairos ships JCuda's natives for. */
    static final String LINUX = "libcuda.so.1";

    private DriverLibrary() {}

    /**
     * Opens {@link #LINUX} for the life of the process, as JCuda would; does nothing on other
     * platforms, where JCuda's own loading stands.
     *
     * @throws UnsatisfiedLinkError naming the library, if the dynamic loader cannot open it
     */
    static void open() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return;
        }
        try {
            SymbolLookup.libraryLookup(LINUX, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError(LINUX + ": cannot open shared object file: the dynamic loader found none, or"
                    + " none it could load (LD_LIBRARY_PATH, then the ld.so cache); is the NVIDIA driver installed?");
        }
    }
}
