package dev.kairos;

import dev.kairos.internal.KairosRuntime;
import dev.kairos.spi.Backend;
import java.util.List;

/**
 * A running Kairos runtime: the machine it found, the tasks registered with it, and every operation
 * issued to it. Start one with {@link #start(KairosConfig)}; {@link #close()} waits for every
 * outstanding operation, then frees all memory.
 *
 * {@snippet :
 * try (Kairos kairos = Kairos.start(KairosConfig.builder().cpuProcessors(1).build())) {
 *     Processor cpu = kairos.machine().processors().kind(ProcessorKind.CPU).first().orElseThrow();
 *     TaskId<String> hello = kairos.registerTask("hello", String.class,
 *             TaskVariant.on(ProcessorKind.CPU, (ctx, name) -> System.out.println("hello " + name)));
 *     UserEvent start = kairos.createUserEvent();
 *     Event done = cpu.spawn(hello, "world", start);
 *     start.trigger();
 *     done.await();
 * }
 * }
 */
public final class Kairos implements AutoCloseable {
    private final KairosRuntime runtime;

    private Kairos(KairosConfig config, List<? extends Backend> backends) {
        this.runtime = KairosRuntime.start(this, config, backends);
    }

    /** Starts a runtime with the default configuration. */
    public static Kairos start() {
        return start(KairosConfig.builder().build());
    }

    /**
     * Starts a runtime with every backend found on the class path ({@link java.util.ServiceLoader}).
     *
     * @throws KairosException if the configuration has {@linkplain KairosConfig#problems() problems},
     *     or CUDA is {@link CudaMode#REQUIRED} and no GPU is usable (the message says why)
     */
    public static Kairos start(KairosConfig config) {
        return new Kairos(config, KairosRuntime.discoverBackends());
    }

    /**
     * Starts a runtime with exactly {@code backends} instead of discovering them: for embedding and
     * tests.
     */
    public static Kairos start(KairosConfig config, List<? extends Backend> backends) {
        return new Kairos(config, List.copyOf(backends));
    }

    public KairosConfig config() {
        return runtime.config();
    }

    public Machine machine() {
        return runtime.machine();
    }

    /** A new pending user event. */
    public UserEvent createUserEvent() {
        return runtime.createUserEvent();
    }

    /**
     * Registers a task with one body per processor kind.
     *
     * @throws IllegalArgumentException if a name is blank, no variant is given, or two variants name
     *     the same kind
     */
    @SafeVarargs
    public final <A> TaskId<A> registerTask(String name, Class<A> argsType, TaskVariant<A>... variants) {
        return runtime.registerTask(name, argsType, List.of(variants));
    }

    /**
     * Waits for every outstanding operation, warns about instances that were never destroyed (one
     * line: count and bytes), frees all memory and stops every thread. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return runtime.toString();
    }
}
