package dev.kairos.cuda;

import dev.kairos.Memory;
import dev.kairos.Processor;
import dev.kairos.cuda.CudaDriver.CudaEvent;
import dev.kairos.spi.ProcessorDriver;
import dev.kairos.spi.RunningTask;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs tasks on one GPU: the body runs on the processor's worker thread, with the device's primary
 * context current, and enqueues its work on the device's task stream; then an event is recorded
 * after that work and the task goes to the stream's {@link StreamCompletions}, which completes it
 * (or fails it) once the device has passed the event. The worker moves on to the next task at once,
 * so the host runs ahead of the device, as in Realm.
 *
 * <p>A body that throws still has its enqueued work waited for before the task fails: that work may
 * be writing an instance whose destroy waits on this task's event.
 */
final class GpuProcessorDriver implements ProcessorDriver {
    private final GpuDevice device;
    private final Memory framebuffer;

    /** The context of each task whose body is running; a blocked body may share the processor with others. */
    private final Map<RunningTask, GpuTaskContext> running = new ConcurrentHashMap<>();

    GpuProcessorDriver(GpuDevice device, Memory framebuffer) {
        this.device = device;
        this.framebuffer = framebuffer;
    }

    @Override
    public void onWorkerStart(Processor processor) {
        try {
            device.makeCurrent();
        } catch (CudaException e) {
            // A worker must not die here: its tasks would wait forever. Fail the device instead, so
            // they are poisoned with the reason.
            device.fail(e);
        }
    }

    @Override
    public void onWorkerStop(Processor processor) {
        try {
            device.releaseCurrent();
        } catch (CudaException e) {
            // The thread ends; a context left current on it does no harm.
        }
    }

    @Override
    public void execute(RunningTask task) {
        GpuTaskContext context = new GpuTaskContext(device, framebuffer, task.taskName());
        GpuFailedException refused = device.failure(context::describe);
        if (refused != null) {
            task.fail(refused);
            return;
        }
        Throwable bodyError = null;
        running.put(task, context);
        try {
            task.runBody();
        } catch (Throwable t) {
            bodyError = t;
        } finally {
            running.remove(task);
        }
        RuntimeException cleanup = context.end();
        if (bodyError == null) {
            bodyError = cleanup;
        }
        if (bodyError instanceof CudaException e) {
            device.failIfSticky(e);
        }
        CudaEvent event;
        try {
            event = device.record(device.taskStream());
        } catch (CudaException e) {
            // A sticky error seen here comes from the device work, most likely this task's own.
            CudaException described = new CudaException(context.describe() + ": " + e.operation(), e.code(), e.errorName());
            device.failIfSticky(described);
            task.fail(bodyError != null ? bodyError : described);
            return;
        }
        Throwable error = bodyError;
        device.taskCompletions().submit(event, context::describe, new StreamCompletions.Callback() {
            @Override
            public void completed() {
                if (error == null) {
                    task.complete();
                } else {
                    task.fail(error);
                }
            }

            @Override
            public void failed(RuntimeException fault) {
                if (error == null) {
                    task.fail(fault);
                } else {
                    error.addSuppressed(fault);
                    task.fail(error);
                }
            }
        });
    }

    @Override
    public <T> T context(Class<T> type, RunningTask task) {
        if (type != CudaTaskContext.class) {
            return null;
        }
        return type.cast(running.get(task));
    }
}
