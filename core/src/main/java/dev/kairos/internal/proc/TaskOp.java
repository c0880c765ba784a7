package dev.kairos.internal.proc;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.OperationStatus;
import dev.kairos.Processor;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.TaskBody;
import dev.kairos.TaskContext;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.prof.OperationProfile;
import dev.kairos.spi.RunningTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spawned task. It is its own completion event, its own waiter on its precondition, its own
 * ready-queue entry and its own {@link TaskContext}: spawning allocates this object and nothing
 * else (unless profiling was requested).
 */
final class TaskOp<A> extends EventImpl implements Work, RunningTask, TaskContext {
    private static final Logger log = LoggerFactory.getLogger(TaskOp.class);

    private final ProcessorImpl processor;
    private final TaskIdImpl<A> task;
    private final TaskBody<A> body;
    private final int priority;
    private final OperationProfile profile;

    /** Dropped once the task finishes, so a long-lived event handle does not keep arguments alive. */
    private A args;

    TaskOp(ProcessorImpl processor, TaskIdImpl<A> task, TaskBody<A> body, A args, int priority, ProfilingRequestSet profiling) {
        this.processor = processor;
        this.task = task;
        this.body = body;
        this.args = args;
        this.priority = priority;
        this.profile = profiling.isEmpty() ? null : new OperationProfile(processor.runtime(), this, profiling);
    }

    // ---------------------------------------------------------------- precondition

    @Override
    protected void onTrigger(EventImpl source, Poison poison) {
        if (poison != null) {
            finish(OperationStatus.Result.CANCELLED, poison);
            return;
        }
        if (profile != null) {
            profile.ready();
        }
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
        if (profile != null) {
            profile.started();
        }
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
            body.run(this, args);
        } finally {
            if (profile != null) {
                profile.ended();
            }
        }
    }

    @Override
    public void complete() {
        finish(OperationStatus.Result.COMPLETED_SUCCESSFULLY, null);
    }

    @Override
    public void fail(Throwable error) {
        log.warn("task {} ({}) on {} failed: {}", task.name(), this, processor, error.toString(), error);
        finish(OperationStatus.Result.COMPLETED_WITH_ERRORS, new Poison(error));
    }

    private void finish(OperationStatus.Result result, Poison poison) {
        args = null;
        if (!finish(poison)) {
            throw new IllegalStateException(this + " (task " + task.name() + ") was completed twice");
        }
        if (profile != null) {
            profile.completed(result, poison);
        }
        processor.runtime().operationFinished();
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
