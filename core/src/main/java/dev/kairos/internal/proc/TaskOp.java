package dev.kairos.internal.proc;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Processor;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.TaskContext;
import dev.kairos.internal.Failures;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.op.Operation;
import dev.kairos.spi.RunningTask;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spawned task. It is its own completion event, its own waiter on its precondition, its own
 * ready-queue entry and its own {@link TaskContext}: spawning allocates this object and nothing
 * else (unless profiling was requested). Its life is {@link Operation}'s.
 *
 * <p>Its size is part of the task rate: a run of 100 000 gated tasks touches every one of them twice,
 * on two threads. With this class's fields an instance is 64 bytes (12-byte header, compressed
 * references); one more reference field made it 72 and cost about 20 % of {@code kairos bench tasks}
 * gated completion (docs/PERFORMANCE.md), so what can be looked up cheaply (the body, from the task
 * and the processor's kind) is looked up rather than kept.
 */
public final class TaskOp<A> extends Operation implements Work, RunningTask, TaskContext {
    private static final Logger log = LoggerFactory.getLogger(TaskOp.class);

    private final ProcessorImpl processor;
    private final TaskIdImpl<A> task;
    private final int priority;

    /** Dropped once the task finishes, so a long-lived event handle does not keep arguments alive. */
    private A args;

    TaskOp(ProcessorImpl processor, TaskIdImpl<A> task, A args, int priority, ProfilingRequestSet profiling) {
        super(processor.runtime().operations(), processor.runtime().profiling(), profiling);
        this.processor = processor;
        this.task = task;
        this.args = args;
        this.priority = priority;
    }

    // ---------------------------------------------------------------- precondition

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        if (poison != null) {
            args = null;
            markCancelled(poison);
            return;
        }
        markReady();
        processor.runtime().tracer().taskReady(this);
        processor.enqueue(this);
    }

    // ---------------------------------------------------------------- Work

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public void execute(Worker worker) {
        markStarted();
        processor.runtime().tracer().taskStarted(processor, this, task.name(), args);
        try {
            processor.driver().execute(this);
        } catch (Throwable t) {
            fail(t); // a driver bug must not leave the task pending forever
        }
        processor.runtime().tracer().taskEnded(processor, this);
    }

    // ---------------------------------------------------------------- RunningTask

    @Override
    public TaskContext context() {
        return this;
    }

    @Override
    public String taskName() {
        return task.name();
    }

    @Override
    public void runBody() throws Exception {
        try {
            task.body(processor.kind()).run(this, args); // looked up, not kept: see the class comment
        } finally {
            try {
                Worker.endLease(); // before the task can trigger: what waits on it finds the bytes let go
            } finally {
                markEnded();
            }
        }
    }

    @Override
    public void complete() {
        args = null;
        if (!markFinished()) {
            throw new IllegalStateException(this + " (task " + task.name() + ") was completed after it had already ended");
        }
    }

    @Override
    public void fail(Throwable error) {
        if (error instanceof CancellationException) {
            log.debug("task {} ({}) on {} cancelled itself: {}", task.name(), this, processor, Failures.describe(error));
        } else {
            Failures.warnOneLine(log, "task " + task.name() + " (" + this + ") on " + processor + " failed: " + Failures.describe(error), error);
        }
        args = null;
        if (!markFailed(new Poison(error))) {
            throw new IllegalStateException(this + " (task " + task.name() + ") failed after it had already ended");
        }
    }

    /** For close()'s report: {@code task writer (event:12)}. */
    String describe() {
        return "task " + task.name() + " (" + this + ")";
    }

    // ---------------------------------------------------------------- TaskContext

    @Override
    public Processor processor() {
        return processor;
    }

    @Override
    public Kairos kairos() {
        return processor.runtime().facade();
    }

    @Override
    public Event finishEvent() {
        return this;
    }

    @Override
    public <T> T backend(Class<T> type) {
        T context = processor.driver().context(type, this);
        if (context == null) {
            throw new IllegalArgumentException(
                    processor + " (" + processor.kind() + ") offers no backend context of type " + type.getName());
        }
        return context;
    }
}
