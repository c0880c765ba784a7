package dev.kairos.internal.proc;

import dev.kairos.Event;
import dev.kairos.KairosException;
import dev.kairos.ProcessorKind;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.TaskId;
import dev.kairos.internal.Failures;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.internal.event.Awaiter;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.MpscNodeQueue;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.op.Operation;
import dev.kairos.spi.ProcessorDriver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor: a ready queue and the worker threads that drain it.
 *
 * <p><b>Ready queue.</b> Any thread offers ready work to an intrusive MPSC queue (one atomic
 * exchange, no allocation). The worker holding the processor drains it into local structures it
 * alone touches: a FIFO for default-priority work and a heap for the rest, so the highest priority
 * runs first and equals run in the order they became ready. Work made ready by the running worker
 * itself (a task chained behind the one that just finished) skips the shared queue.
 *
 * <p><b>Duty cycle.</b> As in Agrona's agents: {@link #doWork} runs one unit of work and says
 * whether there was any; the worker's loop ({@link #runLoop}) repeats it and, when there is none,
 * asks its idle strategy ({@link SpinThenPark}) how to wait. A test can step the same duty cycle
 * on its own thread ({@link #takeOver()}). Each unit is caught on its own: a failure of the runtime
 * while running one (not of a task body, which its task reports) is logged with its stack, poisons
 * the operation that hit it, and the worker goes on. Each unit starts with the interrupt flag
 * cleared, so a task's interrupt never reaches the next task, and the idle park clears it too, so an
 * interrupt never turns idling into a spin.
 *
 * <p><b>Idling.</b> The idle strategy spins briefly (work often arrives within microseconds), then
 * {@link #parkIdle()} publishes that the worker is idle and parks; an offer that sees the idle flag
 * unparks it. The flag and the queue's tail are both volatile, so either the worker sees the new
 * work or the producer sees the flag (a Dekker pair).
 *
 * <p><b>Blocking inside a task.</b> Only one worker holds the processor (the baton). A task body
 * that awaits a pending event hands the baton to a spare worker (starting one first if there is
 * none) and parks; when the event triggers, a {@link Resume} entry is queued like any ready work,
 * and the worker that runs it hands the baton back and becomes a spare. So a blocked task never
 * holds its processor, and Realm's "main task waits on one CPU processor" cannot deadlock. The
 * spare is started before the baton moves: if no thread can be had, the processor stays with the
 * body's worker and the {@code await} fails instead. On virtual threads (CPU processors) a blocked
 * body costs no platform thread.
 */
public final class ProcessorImpl implements dev.kairos.Processor {
    private static final Logger log = LoggerFactory.getLogger(ProcessorImpl.class);
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
    /** Spare workers kept parked for the next blocking body; more end, so a burst of blocked bodies does not leave threads behind. */
    private static final int MAX_IDLE_SPARES = 4;

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

    /**
     * The thread of the worker holding the baton. Written by the worker handing it over. The thread
     * rather than the {@link Worker}: a worker writes its own fields for every unit it runs, and a
     * producer reading one of them on every enqueue would pull that cache line away from it each time.
     */
    private volatile Thread owner;

    /** 1 while the owner is parked (or about to park) for lack of work; CAS by producers. */
    @SuppressWarnings("unused")
    private volatile int idle;

    private volatile boolean stopping;

    /**
     * Set when {@code close()} gave up on work still running here: the operations queued behind it
     * are cancelled with this poison, instead of run, if that work ever returns.
     */
    private volatile Poison abandoned;

    private final Object workersLock = new Object();
    private final ArrayDeque<Worker> spares = new ArrayDeque<>(); // guarded by workersLock
    private final List<Worker> workers = new ArrayList<>(); // guarded by workersLock
    private long workersStarted; // guarded by workersLock

    public ProcessorImpl(KairosRuntime runtime, ProcessorKind kind, String name, long id, ProcessorDriver driver) {
        this.runtime = runtime;
        this.kind = kind;
        this.name = name;
        this.id = id;
        this.driver = driver;
    }

    /**
     * Starts the first worker, holding the baton.
     *
     * @throws KairosException if its thread cannot be created or started
     */
    public void start() {
        passBaton(null, startWorker());
    }

    /** The runtime whose task the calling thread is running, or null if it runs none. */
    public static KairosRuntime runtimeOfCurrentThread() {
        return Awaiter.CURRENT.isBound() && Awaiter.CURRENT.get() instanceof Worker w ? w.processor.runtime : null;
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
        if (task == null) {
            throw new NullPointerException("task is null: spawn a TaskId from Kairos.registerTask");
        }
        TaskIdImpl<A> impl = TaskIdImpl.of(task, runtime);
        if (impl.body(kind) == null) {
            throw new IllegalArgumentException(
                    "task " + impl.name() + " has no variant for " + kind + " processors (spawned on " + this
                            + "); it has variants for " + impl.kinds());
        }
        EventImpl precondition = EventImpl.of(waitOn);
        if (profiling == null) {
            throw new NullPointerException("profiling is null; use ProfilingRequestSet.NONE");
        }
        TaskOp<A> op = new TaskOp<>(this, impl, args, priority, profiling);
        precondition.whenTriggered(op);
        return op;
    }

    // ---------------------------------------------------------------- producers

    /** Makes {@code work} ready to run on this processor. Any thread. */
    void enqueue(Node work) {
        if (Thread.currentThread() == owner) {
            addLocal(work); // the owner itself: no other thread touches the local queues now
            return;
        }
        incoming.offer(work);
        if ((int) IDLE.getVolatile(this) == 1 && IDLE.compareAndSet(this, 1, 0)) {
            LockSupport.unpark(owner);
        }
    }

    // ---------------------------------------------------------------- the duty cycle

    /**
     * The owner's loop: returns when it handed the processor to a resumed task, or when the
     * processor stops and nothing is left to run.
     */
    void runLoop(Worker worker) {
        for (;;) {
            if (doWork(worker)) {
                if (!worker.hasBaton) {
                    return;
                }
                worker.idle.reset();
            } else if (!incoming.isEmpty()) {
                Thread.onSpinWait(); // a producer is between its two steps
            } else if (stopping) {
                return;
            } else {
                worker.idle.idle(this);
            }
        }
    }

    /**
     * One unit of work, on the worker holding the processor: the next ready entry, run and caught.
     *
     * @return false if nothing was ready
     */
    boolean doWork(Worker worker) {
        Work work = null;
        try {
            Node next = pollLocal();
            if (next == null) {
                return false;
            }
            work = (Work) next;
            worker.current = work;
            Thread.interrupted(); // each unit starts without an interrupt: one a task left set is not the next one's
            Poison gone = abandoned;
            if (gone != null && work instanceof Operation op) {
                op.markCancelled(gone); // close() returned without it: cancel rather than run on freed memory
            } else {
                work.execute(worker);
            }
        } catch (Throwable t) {
            runtimeFailure(work, t);
        } finally {
            worker.current = null;
        }
        return true;
    }

    /** A failure of the runtime itself while running {@code work} (null: while polling the queue). Never throws. */
    private void runtimeFailure(Work work, Throwable t) {
        Failures.error(log, "Kairos internal error on " + this + " while running " + (work == null ? "its ready queue" : work)
                + "; the worker goes on", t);
        if (work instanceof Operation op) {
            try {
                op.markFailed(new Poison(t));
            } catch (Throwable again) {
                Failures.error(log, "Kairos internal error: could not poison " + op + " after that failure", again);
            }
        }
    }

    /** Parks the owner until work arrives; called by its idle strategy once spinning found none. */
    void parkIdle() {
        IDLE.setVolatile(this, 1);
        if (incoming.isEmpty() && !stopping) { // re-check after publishing idle: see class comment
            LockSupport.park(this);
        }
        IDLE.setVolatile(this, 0);
        Thread.interrupted(); // an interrupt makes park return at once: cleared, it cannot turn idling into a spin
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

    /**
     * Blocks {@code worker}'s body until {@code event} triggers or the timeout passes, with the
     * processor handed to another worker meanwhile. Interrupts as {@link Awaiter#awaitEvent}.
     *
     * @return true if an interrupt ended an interruptible wait
     * @throws KairosException if no other worker can be started to take the processor; nothing was changed
     */
    boolean block(Worker worker, EventImpl event, long timeoutNanos, boolean interruptible) {
        if (!worker.hasBaton) {
            return event.parkUntilTriggered(timeoutNanos, interruptible);
        }
        Worker next;
        try {
            next = spareOrNewWorker();
        } catch (KairosException e) {
            throw new KairosException("cannot wait for " + event + " inside a task on " + this + ": " + e.getMessage()
                    + "; the task keeps its processor and fails rather than risk waiting for work queued behind it", e);
        }
        Work blocked = worker.current;
        Resume resume = new Resume(this, worker, blocked == null ? 0 : blocked.priority());
        if (!event.addWaiter(resume)) {
            returnSpare(next); // triggered meanwhile: keep the processor
            return false;
        }
        passBaton(worker, next);
        long deadline = System.nanoTime() + timeoutNanos;
        boolean askedBack = false;
        boolean interrupted = false;
        while (!worker.hasBaton) {
            if (!askedBack && timeoutNanos >= 0 && deadline - System.nanoTime() <= 0) {
                resume.offerOnce(); // timed out: ask for the processor back without the event
                askedBack = true;
            }
            if (askedBack || timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
            if (Thread.interrupted()) { // cleared, or park would return at once from now on
                interrupted = true;
                if (interruptible && !askedBack) {
                    resume.offerOnce();
                    askedBack = true;
                }
            }
        }
        worker.current = blocked;
        if (interrupted) {
            if (interruptible && !event.hasTriggered()) {
                return true;
            }
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The holder {@code from} (null when the processor starts) gives the processor to {@code to}. */
    void passBaton(Worker from, Worker to) {
        if (from != null) {
            from.hasBaton = false;
        }
        owner = to.thread;
        to.hasBaton = true; // volatile write after every local-queue write of the old holder
        LockSupport.unpark(to.thread);
    }

    /** A worker that gave its baton away waits here to get it back; false when the processor stops. */
    boolean awaitBaton(Worker worker) {
        while (!worker.hasBaton) {
            if (stopping) {
                return false;
            }
            LockSupport.park(this);
            Thread.interrupted(); // a parked spare has no task to interrupt: an interrupt must not make it spin
        }
        return true;
    }

    /** Parks {@code worker} as a spare; false if enough spares are parked already, and then it should end. */
    boolean addSpare(Worker worker) {
        synchronized (workersLock) {
            if (spares.size() >= MAX_IDLE_SPARES) {
                return false;
            }
            spares.push(worker);
            return true;
        }
    }

    /** Puts back a spare that was taken but not needed, whatever the limit: it is parked already. */
    private void returnSpare(Worker worker) {
        synchronized (workersLock) {
            spares.push(worker);
        }
    }

    void workerEnded(Worker worker) {
        synchronized (workersLock) {
            workers.remove(worker);
        }
    }

    private Worker spareOrNewWorker() {
        synchronized (workersLock) {
            Worker spare = spares.poll();
            if (spare != null) {
                return spare;
            }
        }
        return startWorker();
    }

    /** A new worker, started and parked until it gets the baton. @throws KairosException if no thread can be had */
    private Worker startWorker() {
        String workerName;
        synchronized (workersLock) {
            workerName = "kairos-" + name + "-" + workersStarted++;
        }
        Worker worker;
        try {
            worker = new Worker(this, workerName, SPIN_NANOS);
        } catch (Throwable t) {
            throw new KairosException(this + " could not create worker thread " + workerName + ": " + Failures.describe(t), t);
        }
        synchronized (workersLock) {
            workers.add(worker);
        }
        try {
            worker.thread.start(); // where pthread_create fails: OutOfMemoryError "unable to create native thread"
        } catch (Throwable t) {
            workerEnded(worker);
            throw new KairosException(this + " could not start worker thread " + workerName + ": " + Failures.describe(t), t);
        }
        return worker;
    }

    // ---------------------------------------------------------------- stepping on a test thread

    /**
     * Takes the processor from its worker onto the calling thread, which then steps it with
     * {@link Invoker#invoke()}; for tests. Waits until the worker reaches the hand-over, which
     * queues behind the work already ready.
     */
    Invoker takeOver() {
        Worker caller = new Worker(this, "invoker-" + Thread.currentThread().getName(), Thread.currentThread());
        new Resume(this, caller, 0).offerOnce();
        boolean interrupted = false;
        while (!caller.hasBaton) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new Invoker(this, caller);
    }

    /** The invoker's thread gives the processor back to a worker thread. */
    void release(Worker caller) {
        passBaton(caller, spareOrNewWorker());
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Stops every worker once the queue is drained.
     *
     * @param join whether to wait for the workers to end; only when no body can still be running or blocked
     */
    public void stop(boolean join) {
        stopping = true;
        List<Worker> all;
        synchronized (workersLock) {
            all = List.copyOf(workers);
        }
        for (Worker w : all) {
            LockSupport.unpark(w.thread);
        }
        if (!join) {
            return;
        }
        boolean interrupted = false;
        for (Worker w : all) {
            while (w.thread.isAlive()) {
                try {
                    w.thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code close()} returns while work still runs or waits here: the operations queued behind it
     * will be cancelled with {@code poison} instead of run, and the workers are left to end on
     * their own.
     */
    public void abandon(Poison poison) {
        abandoned = poison;
        stop(false);
    }

    /**
     * The task bodies running or blocked in {@code await} on this processor, one line each, for
     * {@code close()}'s report. Read without synchronization: a body that ends meanwhile may still
     * be listed.
     */
    public List<String> busyBodies() {
        List<String> busy = new ArrayList<>();
        synchronized (workersLock) {
            for (Worker w : workers) {
                if (w.current instanceof TaskOp<?> task) {
                    busy.add(task.describe() + (w.hasBaton ? " still running" : " blocked in await") + " on " + this);
                }
            }
        }
        return busy;
    }

    /** Runs {@code action} on this processor, as internal work (host copies). */
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

    /** A task blocked inside its body (or a test thread taking over), asking for the processor. */
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

        /** Set once, by the event's trigger or by the blocked worker's timeout or interrupt, whichever is first. */
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

        @Override
        public String toString() {
            return "resumption of " + blocked;
        }
    }

    /** Runtime-internal work: a plain action. */
    private static final class InternalWork extends Node implements Work {
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
            action.run();
        }

        @Override
        public String toString() {
            return "internal work " + action;
        }
    }
}
