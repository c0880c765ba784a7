package dev.kairos.internal.proc;

import dev.kairos.Event;
import dev.kairos.KairosException;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.TaskId;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.MpscNodeQueue;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.spi.ProcessorDriver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A processor: a ready queue and the worker threads that drain it.
 *
 * <p><b>Ready queue.</b> Any thread offers ready work to an intrusive MPSC queue (one atomic
 * exchange, no allocation). The worker holding the processor drains it into local structures it
 * alone touches: a FIFO for default-priority work and a heap for the rest, so the highest priority
 * runs first and equals run in the order they became ready. Work made ready by the running worker
 * itself (a task chained behind the one that just finished) skips the shared queue.
 *
 * <p><b>Idling.</b> With nothing to run, the worker spins briefly (work often arrives within
 * microseconds), then publishes that it is idle and parks; an offer that sees the idle flag unparks
 * it. The flag and the queue's tail are both volatile, so either the worker sees the new work or
 * the producer sees the flag (a Dekker pair).
 *
 * <p><b>Blocking inside a task.</b> Only one worker holds the processor (the baton). A task body
 * that awaits a pending event hands the baton to a spare worker (creating one if needed) and
 * parks; when the event triggers, a {@link Resume} entry is queued like any ready work, and the
 * worker that runs it hands the baton back and becomes a spare. So a blocked task never holds its
 * processor, and Realm's "main task waits on one CPU processor" cannot deadlock.
 */
public final class ProcessorImpl implements dev.kairos.Processor {
    private static final VarHandle IDLE;

    static {
        try {
            IDLE = MethodHandles.lookup().findVarHandle(ProcessorImpl.class, "idle", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 50_000;

    private final KairosRuntime runtime;
    private final ProcessorKind kind;
    private final String name;
    private final long id;
    private final ProcessorDriver driver;

    private final MpscNodeQueue incoming = new MpscNodeQueue();

    // Touched only by the worker holding the baton.
    private final ArrayDeque<Node> fifo = new ArrayDeque<>();
    private final PriorityQueue<Prioritized> prioritized = new PriorityQueue<>();
    private long readyOrder;

    /** The worker holding the baton. Written by the worker handing it over. */
    private volatile Worker owner;

    /** 1 while the owner is parked (or about to park) for lack of work; CAS by producers. */
    @SuppressWarnings("unused")
    private volatile int idle;

    private volatile boolean stopping;

    private final Object workersLock = new Object();
    private final ArrayDeque<Worker> spares = new ArrayDeque<>(); // guarded by workersLock
    private final List<Worker> workers = new ArrayList<>(); // guarded by workersLock

    public ProcessorImpl(KairosRuntime runtime, ProcessorKind kind, String name, long id, ProcessorDriver driver) {
        this.runtime = runtime;
        this.kind = kind;
        this.name = name;
        this.id = id;
        this.driver = driver;
    }

    /** Starts the first worker, holding the baton. */
    public void start() {
        Worker first = newWorker();
        owner = first;
        first.hasBaton = true;
        first.start();
    }

    // ---------------------------------------------------------------- Processor

    @Override
    public ProcessorKind kind() {
        return kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public <A> Event spawn(TaskId<A> task, A args, Event waitOn, int priority, ProfilingRequestSet profiling) {
        TaskIdImpl<A> impl = TaskIdImpl.of(task, runtime);
        var body = impl.body(kind);
        if (body == null) {
            throw new IllegalArgumentException(
                    "task " + impl.name() + " has no variant for " + kind + " processors (spawned on " + this
                            + "); it has variants for " + impl.kinds());
        }
        EventImpl precondition = EventImpl.of(waitOn);
        if (profiling == null) {
            throw new NullPointerException("profiling is null; use ProfilingRequestSet.NONE");
        }
        runtime.operationStarted();
        TaskOp<A> op = new TaskOp<>(this, impl, body, args, priority, profiling);
        precondition.whenTriggered(op);
        return op;
    }

    // ---------------------------------------------------------------- producers

    /** Makes {@code work} ready to run on this processor. Any thread. */
    void enqueue(Node work) {
        Worker current = owner;
        if (Thread.currentThread() == current) {
            addLocal(work); // the owner itself: no other thread touches the local queues now
            return;
        }
        incoming.offer(work);
        if ((int) IDLE.getVolatile(this) == 1 && IDLE.compareAndSet(this, 1, 0)) {
            LockSupport.unpark(owner);
        }
    }

    // ---------------------------------------------------------------- the owner's loop

    void runLoop(Worker worker) {
        for (;;) {
            Node next = nextWork();
            if (next == null) {
                return; // stopping
            }
            Work work = (Work) next;
            worker.current = work;
            work.execute(worker);
            worker.current = null;
            if (!worker.hasBaton) {
                return; // handed the processor to a resumed task
            }
        }
    }

    private Node nextWork() {
        long spinStart = 0;
        for (;;) {
            Node next = pollLocal();
            if (next != null) {
                return next;
            }
            if (!incoming.isEmpty()) {
                Thread.onSpinWait(); // a producer is between its two steps
                continue;
            }
            if (stopping) {
                return null;
            }
            long now = System.nanoTime();
            if (spinStart == 0) {
                spinStart = now;
            }
            if (now - spinStart < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            IDLE.setVolatile(this, 1);
            if (incoming.isEmpty() && !stopping) { // re-check after publishing idle: see class comment
                LockSupport.park(this);
            }
            IDLE.setVolatile(this, 0);
            spinStart = 0;
        }
    }

    private Node pollLocal() {
        Node n;
        while ((n = incoming.poll()) != null) {
            addLocal(n);
        }
        Prioritized top = prioritized.peek();
        if (top != null && (top.priority > 0 || fifo.isEmpty())) {
            return prioritized.poll().node;
        }
        return fifo.poll();
    }

    private void addLocal(Node node) {
        int priority = ((Work) node).priority();
        if (priority == 0) {
            fifo.add(node);
        } else {
            prioritized.add(new Prioritized(node, priority, readyOrder++));
        }
    }

    private record Prioritized(Node node, int priority, long order) implements Comparable<Prioritized> {
        @Override
        public int compareTo(Prioritized o) {
            return priority != o.priority ? Integer.compare(o.priority, priority) : Long.compare(order, o.order);
        }
    }

    // ---------------------------------------------------------------- blocking inside a task

    void block(Worker worker, EventImpl event, long timeoutNanos) {
        if (!worker.hasBaton) {
            event.parkUntilTriggered(timeoutNanos);
            return;
        }
        Work blocked = worker.current;
        Resume resume = new Resume(this, worker, blocked == null ? 0 : blocked.priority());
        if (!event.addWaiter(resume)) {
            return; // triggered meanwhile: keep the processor
        }
        handOff(worker);
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        while (!worker.hasBaton) {
            if (timeoutNanos < 0) {
                LockSupport.park(this);
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                resume.offerOnce(); // timed out: ask for the processor back without the event
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, left);
            }
        }
        worker.current = blocked;
    }

    /** Gives the baton from {@code from} to a spare worker, starting one if there is none. */
    private void handOff(Worker from) {
        Worker next;
        boolean fresh = false;
        synchronized (workersLock) {
            next = spares.poll();
            if (next == null) {
                next = newWorker();
                fresh = true;
            }
        }
        passBaton(from, next);
        if (fresh) {
            next.start();
        }
    }

    /** The holder {@code from} gives the processor to {@code to}. */
    void passBaton(Worker from, Worker to) {
        from.hasBaton = false;
        owner = to;
        to.hasBaton = true; // volatile write after every local-queue write of the old holder
        LockSupport.unpark(to);
    }

    /** A worker that gave its baton away waits here to get it back; false when the processor stops. */
    boolean awaitBaton(Worker worker) {
        while (!worker.hasBaton) {
            if (stopping) {
                return false;
            }
            LockSupport.park(this);
        }
        return true;
    }

    void addSpare(Worker worker) {
        synchronized (workersLock) {
            spares.push(worker);
        }
    }

    private Worker newWorker() {
        synchronized (workersLock) {
            Worker worker = new Worker(this, "kairos-" + name + "-" + workers.size());
            workers.add(worker);
            return worker;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Stops every worker once the queue is drained, and waits for them. */
    public void stop() {
        stopping = true;
        List<Worker> all;
        synchronized (workersLock) {
            all = List.copyOf(workers);
        }
        for (Worker w : all) {
            LockSupport.unpark(w);
        }
        boolean interrupted = false;
        for (Worker w : all) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code action} on this processor, as internal work (profiling callbacks, host copies). */
    public void submit(Runnable action) {
        if (stopping) {
            throw new KairosException(this + " is stopped: cannot run " + action);
        }
        enqueue(new InternalWork(action));
    }

    public KairosRuntime runtime() {
        return runtime;
    }

    ProcessorDriver driver() {
        return driver;
    }

    @Override
    public String toString() {
        return "proc:" + name;
    }

    /** A task blocked inside its body, asking for the processor back once its event triggered. */
    private static final class Resume extends Node implements Work {
        private static final VarHandle OFFERED;

        static {
            try {
                OFFERED = MethodHandles.lookup().findVarHandle(Resume.class, "offered", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ProcessorImpl processor;
        private final Worker blocked;
        private final int priority;

        /** Set once, by the event's trigger or by the blocked worker's timeout, whichever is first. */
        @SuppressWarnings("unused")
        private volatile boolean offered;

        Resume(ProcessorImpl processor, Worker blocked, int priority) {
            this.processor = processor;
            this.blocked = blocked;
            this.priority = priority;
        }

        void offerOnce() {
            if (OFFERED.compareAndSet(this, false, true)) {
                processor.enqueue(this);
            }
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            offerOnce();
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public void execute(Worker worker) {
            processor.passBaton(worker, blocked);
        }
    }

    /** Runtime-internal work: a plain action, its failures logged. */
    private static final class InternalWork extends Node implements Work {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InternalWork.class);
        private final Runnable action;

        InternalWork(Runnable action) {
            this.action = action;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("internal work never waits on an event");
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public void execute(Worker worker) {
            try {
                action.run();
            } catch (Throwable t) {
                log.warn("Kairos internal work {} failed", action, t);
            }
        }
    }
}
