/**
 * Kairos core: the public API ({@code dev.kairos}) and the backend service-provider interface
 * ({@code dev.kairos.spi}). Everything under {@code dev.kairos.internal} is the implementation and
 * is not exported: on the module path a program can neither compile against it nor reach it by
 * reflection. The handle interfaces the API hands out ({@code Event}, {@code Processor},
 * {@code Memory}, {@code RegionInstance}, ...) are sealed to their internal implementations, which
 * the Java language allows only because they are all in this one module.
 *
 * <p>Backends are {@link java.util.ServiceLoader} providers of {@link dev.kairos.spi.Backend}: a
 * backend module {@code provides} it, and a backend jar on the class path lists itself in
 * {@code META-INF/services}, which the same lookup finds.
 */
module dev.kairos.core {
    requires org.slf4j;

    exports dev.kairos;
    // The SPI is public: Kairos.start(config, backends) names Backend, and a backend may live outside this project.
    exports dev.kairos.spi;
    // The JMH benchmarks of the event graph and the allocator measure these internals directly.
    exports dev.kairos.internal.event to dev.kairos.bench;
    exports dev.kairos.internal.mem to dev.kairos.bench;

    uses dev.kairos.spi.Backend;
}
