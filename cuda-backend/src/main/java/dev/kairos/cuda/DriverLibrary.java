package dev.kairos.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The NVIDIA driver's library, opened before JCuda is touched. JCuda loads its own native library
 * from {@code java.library.path} first (the launchers put it there), and where that fails to link
 * because {@code libcuda.so.1} is missing, it unpacks another copy to a fixed name in
 * {@code java.io.tmpdir} and loads whatever file already lies under that name, which any local user
 * can plant. Opening the driver here first turns a machine without one into an
 * {@link UnsatisfiedLinkError} with the dynamic loader's own words, and JCuda is never asked.
 */
final class DriverLibrary {
    /** What the CUDA driver API's library is called on Linux, the one platform Kairos ships JCuda's natives for. */
    static final String LINUX = "libcuda.so.1";

    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;

    private DriverLibrary() {}

    /**
     * Opens {@link #LINUX} for the life of the process, as JCuda would; does nothing on other
     * platforms, where JCuda's own loading stands.
     *
     * @throws UnsatisfiedLinkError naming the library and the loader's reason, if it does not open
     */
    static void open() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return;
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle dlopen = linker.downcallHandle(linker.defaultLookup().find("dlopen").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle dlerror = linker.downcallHandle(linker.defaultLookup().find("dlerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(LINUX), RTLD_NOW | RTLD_GLOBAL);
            if (handle.equals(MemorySegment.NULL)) {
                MemorySegment reason = (MemorySegment) dlerror.invokeExact();
                throw new UnsatisfiedLinkError(reason.equals(MemorySegment.NULL)
                        ? LINUX + ": cannot open shared object file"
                        : reason.reinterpret(Long.MAX_VALUE).getString(0));
            }
        } catch (UnsatisfiedLinkError e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("opening " + LINUX + " through dlopen failed", e);
        }
    }
}
