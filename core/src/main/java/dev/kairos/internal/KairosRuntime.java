package dev.kairos.internal;

import dev.kairos.Affinity;
import dev.kairos.BackendStatus;
import dev.kairos.CudaMode;
import dev.kairos.Kairos;
import dev.kairos.KairosConfig;
import dev.kairos.KairosException;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.MemoryStats;
import dev.kairos.Processor;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.ProfilingResponse;
import dev.kairos.TaskId;
import dev.kairos.TaskVariant;
import dev.kairos.UserEvent;
import dev.kairos.internal.event.KairosThread;
import dev.kairos.internal.event.UserEventImpl;
import dev.kairos.internal.mem.MemoryImpl;
import dev.kairos.internal.proc.ProcessorImpl;
import dev.kairos.internal.proc.TaskIdImpl;
import dev.kairos.internal.trace.Tracer;
import dev.kairos.spi.Backend;
import dev.kairos.spi.CopyEngine;
import dev.kairos.spi.MachineBuilder;
import dev.kairos.spi.MemoryStorage;
import dev.kairos.spi.ProcessorDriver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime: the machine its backends contributed, the registered tasks, and the count of
 * outstanding operations that {@link #close()} waits for.
 */
public final class KairosRuntime {
    private static final Logger log = LoggerFactory.getLogger(KairosRuntime.class);
    private static final AtomicLong RUNTIMES = new AtomicLong();
    /** The name of the CUDA backend, the one {@link CudaMode#REQUIRED} demands. */
    public static final String CUDA_BACKEND = "cuda";
    private static final long CLOSE_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Kairos facade;
    private final KairosConfig config;
    private final long serial = RUNTIMES.incrementAndGet();
    private final MachineImpl machine = new MachineImpl();
    private final List<Backend> started = new ArrayList<>();
    private final Map<String, TaskIdImpl<?>> tasks = new ConcurrentHashMap<>();
    private final AtomicLong taskIds = new AtomicLong();
    private final AtomicLong instanceIds = new AtomicLong();
    private final LongAdder outstanding = new LongAdder();
    private final List<ProcessorImpl> utility = new ArrayList<>();
    private final Tracer tracer;
    private volatile boolean closed;

    private KairosRuntime(Kairos facade, KairosConfig config) {
        this.facade = facade;
        this.config = config;
        this.tracer = Tracer.open(config.trace().orElse(null), this + " " + config);
    }

    /** Every backend on the class path, in the order they start. */
    public static List<Backend> discoverBackends() {
        List<Backend> found = new ArrayList<>();
        ServiceLoader.load(Backend.class, KairosRuntime.class.getClassLoader()).forEach(found::add);
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
            runtime.stopEverything();
            throw e;
        }
        return runtime;
    }

    private void startMachine(List<? extends Backend> backends) {
        Builder builder = new Builder();
        for (int i = 0; i < config.utilityProcessors(); i++) {
            utility.add((ProcessorImpl) builder.addProcessor(ProcessorKind.UTILITY, "util" + i, new ProcessorDriver() {}));
        }
        List<? extends Backend> ordered = backends.stream().sorted(Comparator.comparingInt(Backend::order)).toList();
        boolean cudaSeen = false;
        for (Backend backend : ordered) {
            cudaSeen |= CUDA_BACKEND.equals(backend.name());
            Backend.Probe probe = backend.probe(config);
            if (!probe.available()) {
                machine.addBackendStatus(new BackendStatus(backend.name(), false, probe.detail()));
                if (backend.isRequired(config)) {
                    throw new KairosException(backend.name() + " is required by the configuration but unavailable: " + probe.detail());
                }
                log.info("{} backend unavailable: {}", backend.name(), probe.detail());
                continue;
            }
            try {
                backend.start(builder);
            } catch (RuntimeException e) {
                throw new KairosException(backend.name() + " backend failed to start: " + e.getMessage(), e);
            }
            started.add(backend);
            machine.addBackendStatus(new BackendStatus(backend.name(), true, probe.detail()));
            log.debug("{} backend started: {}", backend.name(), probe.detail());
        }
        if (!cudaSeen) {
            String reason = "the CUDA backend (kairos-cuda) is not on the class path";
            machine.addBackendStatus(new BackendStatus(CUDA_BACKEND, false, reason));
            if (config.cuda() == CudaMode.REQUIRED) {
                throw new KairosException("cuda=REQUIRED but " + reason);
            }
        }
        tracer.machine(machine.processorImpls(), machine.memoryImpls());
        for (ProcessorImpl p : machine.processorImpls()) {
            p.start();
        }
    }

    /** Contributions of the backends while they start. */
    private final class Builder implements MachineBuilder {
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

    public UserEvent createUserEvent() {
        checkOpen();
        return new UserEventImpl();
    }

    public <A> TaskId<A> registerTask(String name, Class<A> argsType, List<TaskVariant<A>> variants) {
        checkOpen();
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

    // ---------------------------------------------------------------- outstanding operations

    /** An operation was issued; {@link #close()} waits until it has finished. */
    public void operationStarted() {
        checkOpen();
        outstanding.increment();
    }

    public void operationFinished() {
        outstanding.decrement();
    }

    private void checkOpen() {
        if (closed) {
            throw new KairosException(this + " is closed");
        }
    }

    /** Sends {@code response} to the request's handler on a utility processor. */
    public void deliver(ProfilingRequestSet requests, ProfilingResponse response) {
        utility.getFirst().submit(() -> requests.handler().accept(response));
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

    public void close() {
        if (Thread.currentThread() instanceof KairosThread) {
            throw new IllegalStateException("close() was called from inside a task of " + this + ": it would wait for itself");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            awaitOutstanding();
            closed = true;
        }
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
        stopEverything();
    }

    private void awaitOutstanding() {
        long startedWaiting = System.nanoTime();
        long nextWarning = startedWaiting + CLOSE_WARNING_INTERVAL_NANOS;
        long pause = 1_000;
        long pending;
        while ((pending = outstanding.sum()) > 0) {
            long now = System.nanoTime();
            if (now >= nextWarning) {
                log.warn("{} close() is still waiting for {} operation(s) after {} s; an operation waiting on a UserEvent"
                                + " that is never triggered keeps close() waiting",
                        this, pending, TimeUnit.NANOSECONDS.toSeconds(now - startedWaiting));
                nextWarning = now + CLOSE_WARNING_INTERVAL_NANOS;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    private void stopEverything() {
        for (ProcessorImpl p : machine.processorImpls()) {
            p.stop();
        }
        for (Backend b : started.reversed()) {
            try {
                b.close();
            } catch (RuntimeException e) {
                log.warn("{} backend failed to close cleanly", b.name(), e);
            }
        }
        started.clear();
        closed = true;
        tracer.close();
    }

    @Override
    public String toString() {
        return "kairos#" + serial;
    }
}
