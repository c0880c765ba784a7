package dev.kairos.internal;

import dev.kairos.Affinity;
import dev.kairos.BackendStatus;
import dev.kairos.CudaMode;
import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryStats;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.event.UserEventImpl;
import dev.kairos.internal.mem.MemoryImpl;
import dev.kairos.internal.op.Operations;
import dev.kairos.internal.proc.ProcessorImpl;
import dev.kairos.internal.proc.TaskIdImpl;
import dev.kairos.internal.prof.ProfileDelivery;
import dev.kairos.internal.trace.Tracer;
import dev.kairos.spi.Backend;
import dev.kairos.spi.ConnectPhase;
import dev.kairos.spi.CopyEngine;
import dev.kairos.spi.MemoryPhase;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorDriver;
import dev.kairos.spi.ProcessorPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime: the machine its backends contributed, the registered tasks, its outstanding
 * operations ({@link Operations}) and how it closes.
 *
 * <p><b>Closing.</b> {@link #close()} first refuses work from outside the runtime's own tasks
 * (they may still submit: their work is part of what is being waited for), then waits while
 * operations are outstanding. Progress is operations finishing. Once none has finished for the
 * configured grace period, what is left cannot make progress by itself: it waits, directly or not,
 * on user events nobody has triggered, or on a task body that does not return. Close then cancels
 * every unclaimed user event of the runtime with a cause naming the close, which poisons what
 * waits on them, and goes on waiting. If there was none to cancel, or a further grace period passes
 * without progress, it reports the bodies still running or blocked, by task and processor, and
 * returns anyway: the runtime refuses everything, the workers are left to end on their own, and
 * what was queued behind a stuck body is cancelled, not run, if that body ever returns. Either way
 * no accepted operation is silently dropped, and close never waits forever.
 */
public final class KairosRuntime {
    private static final Logger log = LoggerFactory.getLogger(KairosRuntime.class);
    private static final AtomicLong RUNTIMES = new AtomicLong();
    private static final long CLOSE_PROGRESS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How many ids of cancelled user events the close warning lists. */
    private static final int IDS_IN_WARNING = 5;

    private final Kairos facade;
    private final KairosConfig config;
    private final long serial = RUNTIMES.incrementAndGet();
    private final MachineImpl machine = new MachineImpl();
    private final List<Backend> started = new ArrayList<>();
    private final Map<String, TaskIdImpl<?>> tasks = new ConcurrentHashMap<>();
    private final AtomicLong taskIds = new AtomicLong();
    private final AtomicLong instanceIds = new AtomicLong();
    private final Operations operations = new Operations(toString(), () -> ProcessorImpl.runtimeOfCurrentThread() == this);
    private final ProfileDelivery profiling = new ProfileDelivery(toString());
    private final PendingUserEvents userEvents = new PendingUserEvents();
    private final List<ProcessorImpl> utility = new ArrayList<>();
    private final Tracer tracer;
    private final Object closeLock = new Object();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean shutdownRequested = new AtomicBoolean();

    private KairosRuntime(Kairos facade, KairosConfig config) {
        this.facade = facade;
        this.config = config;
        this.tracer = Tracer.open(config.trace().orElse(null), this + " " + config);
    }

    /**
     * Every backend on the class path or module path ({@link ServiceLoader}), by name, so that the
     * machine's processor and memory ids and its backend lines do not depend on the order of the path.
     */
    public static List<Backend> discoverBackends() {
        List<Backend> found = new ArrayList<>();
        ServiceLoader.load(Backend.class, KairosRuntime.class.getClassLoader()).forEach(found::add);
        found.sort(Comparator.comparing(Backend::name));
        return found;
    }

    public static KairosRuntime start(Kairos facade, KairosConfig config, List<? extends Backend> backends) {
        if (config == null) {
            throw new KairosException("config is null: use KairosConfig.builder().build() for the defaults");
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new KairosException("invalid configuration: " + String.join("; ", problems));
        }
        KairosRuntime runtime = new KairosRuntime(facade, config);
        try {
            runtime.startMachine(backends);
        } catch (RuntimeException | Error e) {
            runtime.operations.enter(Operations.Phase.CLOSED);
            runtime.stopEverything(true);
            throw e;
        }
        return runtime;
    }

    /**
     * The backends' lifecycle ({@link Backend}): every probe, then each phase for every available
     * backend before the next. A backend joins {@link #started} before its first phase, so that a
     * failure anywhere closes it with the rest.
     */
    private void startMachine(List<? extends Backend> backends) {
        Phases phases = new Phases();
        // Platform threads: the host copies a utility processor runs are then time-sliced by the OS
        // against CPU task bodies, which run on virtual threads and are never preempted by each other.
        for (int i = 0; i < config.utilityProcessors(); i++) {
            utility.add((ProcessorImpl) phases.addProcessor(ProcessorKind.UTILITY, "util" + i, new ProcessorDriver() {}));
        }
        List<Backend> available = probe(backends);
        for (Backend backend : available) {
            started.add(backend);
            inPhase(backend, "create its memories", () -> backend.createMemories(phases));
        }
        for (Backend backend : available) {
            inPhase(backend, "create its processors", () -> backend.createProcessors(phases));
        }
        for (Backend backend : available) {
            inPhase(backend, "connect", () -> backend.connect(phases));
        }
        tracer.machine(machine.processorImpls(), machine.memoryImpls());
        for (ProcessorImpl p : machine.processorImpls()) {
            p.start();
        }
    }

    /** Probes every backend and records what each found; returns the available ones. Allocates nothing. */
    private List<Backend> probe(List<? extends Backend> backends) {
        List<Backend> available = new ArrayList<>();
        for (Backend backend : backends) {
            Backend.Probe probe = backend.probe(config);
            machine.addBackendStatus(new BackendStatus(backend.name(), probe.available(), probe.detail()));
            if (probe.available()) {
                available.add(backend);
                continue;
            }
            if (backend.isRequired(config)) {
                throw new KairosException(backend.name() + " is required by the configuration but unavailable: " + probe.detail());
            }
            log.info("{} backend unavailable: {}", backend.name(), probe.detail());
        }
        if (config.cuda() == CudaMode.REQUIRED && backends.stream().noneMatch(b -> b.isRequired(config))) {
            throw new KairosException("cuda=REQUIRED but no backend here provides GPUs (backends="
                    + backends.stream().map(Backend::name).toList() + "): the CUDA backend, kairos-cuda, is not on the"
                    + " class path or module path");
        }
        return available;
    }

    private static void inPhase(Backend backend, String phase, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw new KairosException(backend.name() + " backend failed to " + phase + ": " + e.getMessage(), e);
        }
        log.debug("{} backend: {} done", backend.name(), phase);
    }

    /** What the backends may do in each phase; one object, handed out as each phase's interface. */
    private final class Phases implements MemoryPhase, ProcessorPhase, ConnectPhase {
        private long processorIds;
        private long memoryIds;

        @Override
        public KairosConfig config() {
            return config;
        }

        @Override
        public List<Processor> processors() {
            return List.copyOf(machine.processorImpls());
        }

        @Override
        public List<Memory> memories() {
            return List.copyOf(machine.memoryImpls());
        }

        @Override
        public Processor addProcessor(ProcessorKind kind, String name, ProcessorDriver driver) {
            checkName(name);
            ProcessorImpl p = new ProcessorImpl(KairosRuntime.this, kind, name, processorIds++, driver);
            machine.add(p);
            return p;
        }

        @Override
        public Memory addMemory(MemoryKind kind, String name, MemoryStorage storage) {
            checkName(name);
            MemoryImpl m = new MemoryImpl(KairosRuntime.this, kind, name, memoryIds++, storage);
            machine.add(m);
            return m;
        }

        @Override
        public void addAffinity(Processor processor, Memory memory, Affinity affinity) {
            machine.addAffinity(processor, memory, affinity);
        }

        @Override
        public void addCopyPath(Memory source, Memory destination, Affinity affinity, CopyEngine engine) {
            machine.addCopyPath(source, destination, affinity, engine);
        }

        private void checkName(String name) {
            if (name == null || name.isBlank() || machine.hasName(name)) {
                throw new IllegalArgumentException("processor and memory names must be unique and non-blank: name=" + name);
            }
        }
    }

    // ---------------------------------------------------------------- API

    public Kairos facade() {
        return facade;
    }

    public KairosConfig config() {
        return config;
    }

    public MachineImpl machine() {
        return machine;
    }

    /** @throws IllegalStateException if the runtime is closing (outside its own tasks) or closed */
    public UserEvent createUserEvent() {
        operations.checkAccepting();
        UserEventImpl event = new UserEventImpl();
        userEvents.add(event);
        return event;
    }

    /** @throws IllegalStateException if the runtime is closing (outside its own tasks) or closed */
    public <A> TaskId<A> registerTask(String name, Class<A> argsType, List<TaskVariant<A>> variants) {
        operations.checkAccepting();
        TaskIdImpl<A> task = new TaskIdImpl<>(this, name, taskIds.incrementAndGet(), argsType, variants);
        TaskIdImpl<?> previous = tasks.putIfAbsent(name, task);
        if (previous != null) {
            throw new IllegalArgumentException("a task named " + name + " is already registered: " + previous);
        }
        return task;
    }

    public long nextInstanceId() {
        return instanceIds.incrementAndGet();
    }

    /** The outstanding operations, and whether new ones are accepted. */
    public Operations operations() {
        return operations;
    }

    /** Where profiling responses go: their handlers' own thread. */
    public ProfileDelivery profiling() {
        return profiling;
    }

    /** Where the runtime records its timeline: {@link Tracer#OFF} unless the config asks for a trace. */
    public Tracer tracer() {
        return tracer;
    }

    /** The utility processor that runs internal work such as host copies. */
    public ProcessorImpl utilityProcessor() {
        return utility.getFirst();
    }

    // ---------------------------------------------------------------- close

    /** See the class comment. Idempotent; a concurrent call waits for the first to finish. */
    public void close() {
        if (ProcessorImpl.runtimeOfCurrentThread() == this) {
            throw new IllegalStateException("close() was called from inside a task of " + this + ": it would wait for itself;"
                    + " call shutdown(event) instead, which closes the runtime once that event has triggered");
        }
        synchronized (closeLock) {
            if (operations.phase() == Operations.Phase.CLOSED) {
                return;
            }
            operations.enter(Operations.Phase.CLOSING);
            List<String> stuck = drain();
            operations.enter(Operations.Phase.CLOSED);
            release(stuck);
            terminated.countDown();
        }
    }

    /**
     * Realm's {@code Runtime::shutdown}: closes the runtime once {@code after} has triggered (or been
     * poisoned), on a thread of its own, so a task may call it. Only the first call counts.
     */
    public void shutdown(Event after) {
        if (after == null) {
            throw new NullPointerException("after is null; use Event.NO_EVENT to close as soon as the outstanding work allows");
        }
        EventImpl event = EventImpl.of(after);
        if (shutdownRequested.compareAndSet(false, true)) {
            event.whenTriggered(new ShutdownTrigger());
        }
    }

    /** Waits until the runtime has closed or the timeout has passed; true if it has closed. Interrupts as {@code Event.await}. */
    public boolean awaitTermination(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout is null");
        }
        long deadline = System.nanoTime() + (timeout.isNegative() ? 0 : TimeUnit.NANOSECONDS.convert(timeout));
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return terminated.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // the flag is clear now, so the next wait parks instead of spinning
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the close that {@link #shutdown} asked for, when its event triggers. */
    private final class ShutdownTrigger extends Node {
        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            try {
                Thread.ofPlatform().name("kairos-" + serial + "-shutdown").daemon(true).start(() -> {
                    try {
                        close();
                    } catch (RuntimeException | Error e) {
                        Failures.error(log, KairosRuntime.this + ": the close asked for by shutdown(" + source + ") failed", e);
                    }
                });
            } catch (Throwable t) {
                Failures.error(log, KairosRuntime.this + ": could not start the thread that closes it after shutdown("
                        + source + "); call close() instead", t);
            }
        }
    }

    /**
     * Waits for the outstanding operations as the class comment says.
     *
     * @return null once every operation has finished; else what close gives up on, one line each
     */
    private List<String> drain() {
        long grace = TimeUnit.NANOSECONDS.convert(config.closeGracePeriod());
        long startedWaiting = System.nanoTime();
        long nextLog = startedWaiting + CLOSE_PROGRESS_LOG_INTERVAL_NANOS;
        long lastFinished = operations.finishedCount();
        long lastProgress = startedWaiting;
        boolean warned = false;
        boolean interrupted = false;
        long pause = 1_000;
        try {
            while (operations.outstanding() > 0) {
                LockSupport.parkNanos(this, pause);
                interrupted |= Thread.interrupted(); // close finishes its job; the flag is set again on return
                pause = Math.min(pause * 2, 10_000_000);
                long now = System.nanoTime();
                long finished = operations.finishedCount();
                if (finished != lastFinished) {
                    lastFinished = finished;
                    lastProgress = now;
                    if (now - nextLog >= 0) {
                        log.info("{} close() is still waiting for {} operation(s) after {} s", this, operations.outstanding(),
                                TimeUnit.NANOSECONDS.toSeconds(now - startedWaiting));
                        nextLog = now + CLOSE_PROGRESS_LOG_INTERVAL_NANOS;
                    }
                    continue;
                }
                if (now - lastProgress < grace) {
                    continue;
                }
                int cancelled = cancelUserEvents(!warned);
                if (cancelled > 0) {
                    warned = true;
                    lastProgress = System.nanoTime();
                    continue;
                }
                return stuck();
            }
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cancels every unclaimed user event, warning the first time; returns how many. */
    private int cancelUserEvents(boolean warn) {
        long waiting = operations.outstanding();
        CancellationException cause = new CancellationException(this + " was closed before this user event was triggered:"
                + " close() waited closeGracePeriod=" + config.closeGracePeriod() + " with nothing finishing");
        List<String> ids = new ArrayList<>();
        int cancelled = 0;
        for (UserEventImpl event : userEvents.takeUnclaimed()) {
            if (event.cancelUnclaimed("close() of " + this, cause)) {
                if (cancelled++ < IDS_IN_WARNING) {
                    ids.add(event.toString());
                }
            }
        }
        if (cancelled > 0 && warn) {
            log.warn("{} close(): nothing finished for closeGracePeriod={} while {} operation(s) still waited; cancelled {} user"
                            + " event(s) nobody triggered ({}{}), and what waits on them with them",
                    this, config.closeGracePeriod(), waiting, cancelled, String.join(", ", ids), cancelled > ids.size() ? ", ..." : "");
        }
        return cancelled;
    }

    /** What close gives up on, reported once. */
    private List<String> stuck() {
        List<String> busy = new ArrayList<>();
        for (ProcessorImpl p : machine.processorImpls()) {
            busy.addAll(p.busyBodies());
        }
        log.warn("{} close() gives up after closeGracePeriod={} without progress, with {} operation(s) outstanding: {}. It"
                        + " returns anyway; the workers are left to end on their own, and work queued behind them is cancelled,"
                        + " not run, if they do",
                this, config.closeGracePeriod(), operations.outstanding(),
                busy.isEmpty() ? "no task body runs; they wait on events no one here can trigger" : String.join("; ", busy));
        return busy;
    }

    /** Frees what close can free once it stopped waiting; {@code stuck} as {@link #drain()} returned it. */
    private void release(List<String> stuck) {
        long leaked = 0;
        long leakedBytes = 0;
        for (MemoryImpl m : machine.memoryImpls()) {
            MemoryStats stats = m.stats();
            leaked += stats.liveInstances();
            leakedBytes += stats.used();
        }
        if (leaked > 0) {
            log.warn("{} closed with {} instance(s) never destroyed, holding {} bytes; freeing them now", this, leaked, leakedBytes);
        }
        machine.memoryImpls().forEach(MemoryImpl::closeScopes);  // no accessor may outlive the bytes freed next
        if (stuck == null) {
            stopEverything(true);
            return;
        }
        tracer.close();
        Poison abandoned = new Poison(new CancellationException(this + " was closed before this operation could run"));
        for (ProcessorImpl p : machine.processorImpls()) {
            p.abandon(abandoned);
        }
        closeProfiling();
        if (stuck.isEmpty()) {
            closeBackends();
        } else {
            // A body still running may touch its instances: freeing their bytes under it could crash the JVM.
            log.warn("{}: the backends' memory stays allocated because task bodies may still use it", this);
        }
    }

    private void stopEverything(boolean join) {
        for (ProcessorImpl p : machine.processorImpls()) {
            p.stop(join);
        }
        closeProfiling();
        closeBackends();
        tracer.close();
    }

    private void closeProfiling() {
        if (!profiling.close(config.closeGracePeriod())) {
            log.warn("{}: a profiling handler was still running after closeGracePeriod={}; close() returns without it",
                    this, config.closeGracePeriod());
        }
    }

    private void closeBackends() {
        for (Backend b : started.reversed()) {
            try {
                b.close();
            } catch (RuntimeException e) {
                Failures.warn(log, b.name() + " backend failed to close cleanly", e);
            }
        }
        started.clear();
    }

    @Override
    public String toString() {
        return "kairos#" + serial;
    }
}
