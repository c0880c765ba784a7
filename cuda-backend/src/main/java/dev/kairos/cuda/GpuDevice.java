package dev.kairos.cuda;

import dev.kairos.cuda.CudaDriver.Context;
import dev.kairos.cuda.CudaDriver.DeviceInfo;
import dev.kairos.cuda.CudaDriver.CudaEvent;
import dev.kairos.cuda.CudaDriver.Function;
import dev.kairos.cuda.CudaDriver.Module;
import dev.kairos.cuda.CudaDriver.Stream;
import dev.kairos.kernels.Kernels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the backend holds on one GPU: its primary context, the kernels of every module, two
 * streams (one for tasks, one for copies and fills, so a copy never queues behind a long kernel),
 * a completion thread per stream, a pool of events, and the framebuffer arena (one
 * {@code cuMemAlloc} that core's allocator carves).
 *
 * <p>Failure: the first sticky error puts the device out of service ({@link #fail}); from then on
 * nothing new is enqueued and {@link #failure} turns every request into a {@link GpuFailedException}.
 * {@link #close} still releases what it can and never throws for a failed device: CUDA answers every
 * call on a broken context with the same error, and releasing the primary context destroys it.
 */
final class GpuDevice {
    private static final Logger log = LoggerFactory.getLogger(GpuDevice.class);

    private final CudaDriver driver;
    private final DeviceInfo info;
    private final String name;
    private final Context context;
    private final List<Module> modules = new ArrayList<>();
    private final Map<String, Function> functions = new HashMap<>();
    private Stream taskStream;
    private Stream copyStream;
    private StreamCompletions taskCompletions;
    private StreamCompletions copyCompletions;
    private long framebuffer;
    private long framebufferBytes;

    /** Events not in use; every event ever created is in {@link #events}, for close. */
    private final ConcurrentLinkedQueue<CudaEvent> idleEvents = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CudaEvent> events = new ConcurrentLinkedQueue<>();

    private final AtomicReference<CudaException> failure = new AtomicReference<>();

    private GpuDevice(CudaDriver driver, DeviceInfo info, Context context) {
        this.driver = driver;
        this.info = info;
        this.name = "gpu" + info.ordinal();
        this.context = context;
    }

    /**
     * Retains the device's primary context and creates its streams, kernels, completion threads and
     * a framebuffer of {@code framebufferBytes}; on failure releases what it made and rethrows.
     * Leaves no context current on the calling thread.
     */
    static GpuDevice open(CudaDriver driver, DeviceInfo info, long framebufferBytes) {
        GpuDevice device = new GpuDevice(driver, info, driver.retainPrimaryContext(info.ordinal()));
        try {
            device.makeCurrent();
            device.taskStream = driver.createStream();
            device.copyStream = driver.createStream();
            for (String module : Kernels.modules()) {
                Module m = driver.loadModule(module, Kernels.ptxImage(module));
                device.modules.add(m);
                for (String kernel : Kernels.functions(module)) {
                    device.functions.put(module + "." + kernel, driver.function(m, kernel));
                }
            }
            if (framebufferBytes > 0) {
                device.framebuffer = driver.allocate(framebufferBytes);
                device.framebufferBytes = framebufferBytes;
            }
            device.taskCompletions = new StreamCompletions(device, driver, "tasks");
            device.copyCompletions = new StreamCompletions(device, driver, "copies");
            device.taskCompletions.start();
            device.copyCompletions.start();
        } catch (RuntimeException e) {
            try {
                device.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            driver.setCurrent(null);
        }
        return device;
    }

    String name() {
        return name;
    }

    DeviceInfo info() {
        return info;
    }

    CudaDriver driver() {
        return driver;
    }

    long framebuffer() {
        return framebuffer;
    }

    long framebufferBytes() {
        return framebufferBytes;
    }

    Stream taskStream() {
        return taskStream;
    }

    StreamCompletions taskCompletions() {
        return taskCompletions;
    }

    Stream copyStream() {
        return copyStream;
    }

    StreamCompletions copyCompletions() {
        return copyCompletions;
    }

    /** A kernel by module and name, or null if the module has no such kernel. */
    Function function(String module, String kernel) {
        return functions.get(module + "." + kernel);
    }

    /** Makes this device's primary context current on the calling thread. */
    void makeCurrent() {
        driver.setCurrent(context);
    }

    /** Makes no context current on the calling thread. */
    void releaseCurrent() {
        driver.setCurrent(null);
    }

    // ---------------------------------------------------------------- events

    /** Records an event on {@code stream} after the work enqueued so far. */
    CudaEvent record(Stream stream) {
        CudaEvent event = idleEvents.poll();
        if (event == null) {
            event = driver.createEvent();
            events.add(event);
        }
        try {
            driver.recordEvent(event, stream);
        } catch (RuntimeException e) {
            idleEvents.add(event);
            throw e;
        }
        return event;
    }

    /** Returns an event whose work has completed to the pool. */
    void releaseEvent(CudaEvent event) {
        idleEvents.add(event);
    }

    // ---------------------------------------------------------------- failure

    /** Puts the device out of service with {@code fault}, unless it already is. */
    void fail(CudaException fault) {
        if (failure.compareAndSet(null, fault)) {
            log.error("{} is out of service: {}. Its pending and later work is poisoned with this error; CPU work"
                    + " goes on, and the runtime can be closed.", name, fault.getMessage());
        }
    }

    /** Puts the device out of service if {@code error} is sticky. */
    void failIfSticky(CudaException error) {
        if (error.isSticky()) {
            fail(error);
        }
    }

    /** Null while the device is in service; else what {@code what} fails with. */
    GpuFailedException failure(Supplier<String> what) {
        CudaException fault = failure.get();
        return fault == null ? null : new GpuFailedException(what.get(), name, fault);
    }

    boolean hasFailed() {
        return failure.get() != null;
    }

    // ---------------------------------------------------------------- close

    /**
     * Stops the completion threads and frees everything {@link #open} made. Every processor and copy
     * has finished. Throws the first error only if the device had not failed.
     */
    void close() {
        Teardown teardown = new Teardown();
        if (taskCompletions != null) {
            taskCompletions.stop();
        }
        if (copyCompletions != null) {
            copyCompletions.stop();
        }
        teardown.run("cuCtxSetCurrent", this::makeCurrent);
        for (CudaEvent e : events) {
            teardown.run("cuEventDestroy", () -> driver.destroyEvent(e));
        }
        events.clear();
        idleEvents.clear();
        if (taskStream != null) {
            Stream s = taskStream;
            teardown.run("cuStreamDestroy", () -> driver.destroyStream(s));
        }
        if (copyStream != null) {
            Stream s = copyStream;
            teardown.run("cuStreamDestroy", () -> driver.destroyStream(s));
        }
        for (Module m : modules) {
            teardown.run("cuModuleUnload", () -> driver.unloadModule(m));
        }
        modules.clear();
        functions.clear();
        if (framebufferBytes > 0) {
            long fb = framebuffer;
            teardown.run("cuMemFree", () -> driver.free(fb));
            framebufferBytes = 0;
        }
        teardown.run("cuCtxSetCurrent", this::releaseCurrent);
        teardown.run("cuDevicePrimaryCtxRelease", () -> driver.releasePrimaryContext(info.ordinal()));
        teardown.finish();
    }

    /** Runs every release step whatever the others do; keeps the first error. */
    private final class Teardown {
        private RuntimeException first;

        void run(String step, Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (hasFailed()) {
                    log.debug("{}: {} during close of a failed device: {}", name, step, e.getMessage());
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }

        void finish() {
            if (first != null) {
                throw first;
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + info.name() + " (" + info.architecture() + ")";
    }
}
