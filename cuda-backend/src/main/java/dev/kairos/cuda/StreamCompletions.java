package dev.kairos.cuda;

import dev.kairos.cuda.CudaDriver.CudaEvent;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes work in the order it was enqueued on one stream, each piece once the CUDA event recorded
 * after it has completed.
 *
 * <p>How: whoever enqueues work on the stream records an event after it and {@link #submit}s the
 * pair here, in stream order. One thread takes the oldest pair and blocks in
 * {@code cuEventSynchronize} until the device has passed that event; since a stream runs in order,
 * the oldest event is always the next to complete, so waiting on it alone loses nothing. Events are
 * created with {@code CU_EVENT_BLOCKING_SYNC}, so the waiting thread sleeps in the driver instead of
 * spinning, and with nothing submitted it sleeps on the queue: an idle GPU costs no CPU. (Polling
 * {@code cuEventQuery} would spin or add a sleep's latency; a host callback per task would run our
 * code on the driver's thread.)
 *
 * <p>Failure: an error from {@code cuEventSynchronize} is an asynchronous fault of the work since the
 * previous event (CUDA reports those as sticky errors). The first piece of work on this stream that
 * reports one fails with it, named after the work ("task writer on gpu0 (kernels update_int_float)
 * failed: CUDA_ERROR_ILLEGAL_ADDRESS"), and the device is marked failed; later pieces fail with a
 * {@link GpuFailedException}. Every event is still asked, also after the device failed: work that
 * finished before the fault completes normally, and a broken context answers at once. The culprit is
 * named by its own event, not by whichever call first saw the sticky error: a launch that follows a
 * faulting kernel may report the fault before that kernel's event is asked. If the thread cannot
 * even make the device's context current, the device is failed at once and every piece of work
 * submitted fails with that reason: the thread never leaves work waiting.
 */
final class StreamCompletions {
    private static final Logger log = LoggerFactory.getLogger(StreamCompletions.class);

    /** What to do once the work before an event is done, or has failed. */
    interface Callback {
        void completed();

        /** {@code error} is the {@link CudaException} of the fault, or the device's earlier failure. */
        void failed(RuntimeException error);
    }

    private record Pending(CudaEvent event, Supplier<String> what, Callback callback) {}

    private static final Pending STOP = new Pending(null, null, null);

    /** {@code CUresult} 999: what an answer that is no CUDA error is reported as. */
    private static final int CUDA_ERROR_UNKNOWN = 999;

    private final GpuDevice device;
    private final CudaDriver driver;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    /** Whether a piece of work on this stream has reported a fault. Touched only by {@link #thread}. */
    private boolean faulted;

    StreamCompletions(GpuDevice device, CudaDriver driver, String name) {
        this.device = device;
        this.driver = driver;
        this.thread = Thread.ofPlatform().name("kairos-" + device.name() + "-" + name + "-completions").daemon()
                .unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * Calls {@code callback} once the work enqueued before {@code event} is done. Call in stream order.
     *
     * @param what names the work in a failure message, e.g. {@code task writer on gpu0 (kernels update_int_float)}
     */
    void submit(CudaEvent event, Supplier<String> what, Callback callback) {
        queue.add(new Pending(event, what, callback));
    }

    /** Stops the thread once everything submitted has been completed, and waits for it. */
    void stop() {
        if (!thread.isAlive()) {
            return;
        }
        queue.add(STOP);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            device.makeCurrent();
        } catch (CudaException e) {
            // Without the context this thread cannot ask an event, but it must not die either: the
            // work submitted here would wait forever. The device goes out of service with the
            // reason, and every piece of work fails with it, until stop().
            device.fail(new CudaException(device.name() + " completion thread " + thread.getName() + ": " + e.operation(),
                    e.code(), e.errorName()));
            failUntilStopped();
            return;
        }
        try {
            for (;;) {
                Pending next = take();
                if (next == STOP) {
                    return;
                }
                complete(next);
            }
        } finally {
            device.releaseCurrent();
        }
    }

    private void failUntilStopped() {
        for (Pending next = take(); next != STOP; next = take()) {
            fail(next, device.failure(next.what()));
        }
    }

    private Pending take() {
        for (;;) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Only stop() ends this thread, after everything submitted: an interrupt changes nothing.
            }
        }
    }

    private void complete(Pending p) {
        try {
            driver.synchronizeEvent(p.event());
        } catch (CudaException e) {
            failDevice(p, new CudaException(p.what().get(), e.code(), e.errorName()));
            return;
        } catch (RuntimeException e) {
            // Not the driver's answer but the binding's (JCuda refusing an argument, say): whether
            // the work finished is unknown, so the device goes out of service as for a fault, and
            // this thread lives on to fail the rest instead of leaving it waiting.
            CudaException fault = new CudaException(p.what().get() + ": cuEventSynchronize threw " + e, CUDA_ERROR_UNKNOWN,
                    "CUDA_ERROR_UNKNOWN");
            fault.initCause(e);
            failDevice(p, fault);
            return;
        }
        device.releaseEvent(p.event());
        try {
            p.callback().completed();
        } catch (RuntimeException e) {
            log.error("completing work on {} failed", device.name(), e);
        }
    }

    private void failDevice(Pending p, CudaException fault) {
        device.fail(fault);
        fail(p, faulted ? device.failure(p.what()) : fault);
        faulted = true;
    }

    private static void fail(Pending p, RuntimeException error) {
        try {
            p.callback().failed(error);
        } catch (RuntimeException e) {
            log.error("failing work after {} failed", error.toString(), e);
        }
    }
}
