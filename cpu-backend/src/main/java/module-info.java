/**
 * The CPU backend: CPU processors, SYSTEM memory and host copies. It exports nothing; the runtime
 * finds it through {@link java.util.ServiceLoader} (this module's {@code provides}, or the jar's
 * {@code META-INF/services} entry on the class path).
 */
module dev.kairos.cpu {
    requires dev.kairos.core;

    provides dev.kairos.spi.Backend with dev.kairos.cpu.CpuBackend;
}
