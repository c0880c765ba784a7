package dev.kairos;

import dev.kairos.internal.KairosRuntime;
import dev.kairos.spi.Backend;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running Kairos runtime: the machine it found, the tasks registered with it, and every operation
 * issued to it. Start one with {@link #start(KairosConfig)}; {@link #close()} waits for every
 * outstanding operation, then frees all memory, and never waits forever. From inside a task,
 * {@link #shutdown(Event)} closes it once an event has triggered, and
 * {@link #awaitTermination(Duration)} waits for that from outside.
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
     * Starts a runtime with every backend found on the class path or module path ({@link java.util.ServiceLoader}).
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

    /**
     * A new pending user event.
     *
     * @throws IllegalStateException if the runtime is closed, or closing and the caller is not one of its tasks
     */
    public UserEvent createUserEvent() {
        return runtime.createUserEvent();
    }

    /**
     * Registers a task with one body per processor kind.
     *
     * @throws IllegalArgumentException if a name is blank, no variant is given, or two variants name
     *     the same kind
     * @throws NullPointerException if {@code variants} or one of them is null (the message names which)
     */
    @SafeVarargs
    public final <A> TaskId<A> registerTask(String name, Class<A> argsType, TaskVariant<A>... variants) {
        if (variants == null) {
            throw new NullPointerException("task " + name + ": variants is null; give at least one TaskVariant.on(kind, body)");
        }
        List<TaskVariant<A>> list = new ArrayList<>(variants.length);
        for (int i = 0; i < variants.length; i++) {
            if (variants[i] == null) {
                throw new NullPointerException("task " + name + ": variants[" + i + "] is null");
            }
            list.add(variants[i]);
        }
        return runtime.registerTask(name, argsType, list);
    }

    /**
     * Closes the runtime without ever waiting forever, and without dropping work it accepted:
     * <ul>
     *   <li>From the call on, work submitted from outside the runtime's own tasks (spawn, create,
     *       destroy, copy, fill, user events) is refused with {@link IllegalStateException}; its
     *       tasks may still submit, since their work is part of what close waits for. Once closed,
     *       everything is refused.
     *   <li>It waits for every operation that can still run. Once nothing has finished for
     *       {@link KairosConfig#closeGracePeriod()}, what is left waits, directly or not, on user
     *       events nobody triggered: it cancels them with a cause naming the close, which poisons
     *       what waits on them, warns once (how many, a few ids) and goes on.
     *   <li>If nothing finishes for that long again, or there was no user event to cancel, it
     *       reports each task body still running or blocked, by task and processor, and returns
     *       anyway; those workers are left to end on their own, and what was queued behind them is
     *       cancelled if they do.
     *   <li>It warns about instances never destroyed (count and bytes), frees all memory (unless a
     *       body still runs that may use it) and stops every thread.
     * </ul>
     * Idempotent; a concurrent call waits for the first to finish.
     *
     * @throws IllegalStateException if called from inside one of this runtime's tasks, which close
     *     would wait for: use {@link #shutdown(Event)} there
     */
    @Override
    public void close() {
        runtime.close();
    }

    /**
     * Realm's {@code Runtime::shutdown}: asks for {@link #close()} once {@code after} has triggered
     * (or been poisoned), and returns at once. Callable from inside a task, typically with the
     * event of the last work the program issued; the close then runs on a thread of its own.
     * Only the first call counts; later calls do nothing.
     *
     * {@snippet :
     * TaskId<Void> main = kairos.registerTask("main", Void.class, TaskVariant.on(ProcessorKind.CPU, (ctx, a) -> {
     *     Event last = ctx.processor().spawn(work, null, Event.NO_EVENT);
     *     ctx.kairos().shutdown(last);
     * }));
     * cpu.spawn(main, null);
     * kairos.awaitTermination(Duration.ofMinutes(1));
     * }
     *
     * @throws NullPointerException if {@code after} is null (use {@link Event#NO_EVENT} to close as soon as possible)
     */
    public void shutdown(Event after) {
        runtime.shutdown(after);
    }

    /**
     * Waits until the runtime has closed (by {@link #close()} or {@link #shutdown(Event)}), or the
     * timeout has passed. Any duration is accepted, as by {@link Event#await(Duration)}; an
     * interrupt does not end the wait, and the flag is set again on return.
     *
     * @return true if the runtime has closed
     */
    public boolean awaitTermination(Duration timeout) {
        return runtime.awaitTermination(timeout);
    }

    /**
     * Why the trace {@link KairosConfig#trace()} asked for is incomplete: the first write to its file
     * that failed (a full disk, say), after which the runtime wrote no more of it and ran on as if
     * untraced. Empty without a trace and while every write has succeeded; final once the runtime
     * has closed, which is when the last of the trace is written.
     */
    public Optional<IOException> traceFailure() {
        return runtime.tracer().failure();
    }

    @Override
    public String toString() {
        return runtime.toString();
    }
}
