package dev.kairos.cuda;

import dev.kairos.KairosException;

/**
 * Work was refused, or poisoned, because its GPU had already failed with a sticky CUDA error; the
 * cause is that first error.
 */
public final class GpuFailedException extends KairosException {
    private static final long serialVersionUID = 1L;

    GpuFailedException(String what, String device, CudaException cause) {
        super(what + " did not run: " + device + " is out of service since " + cause.getMessage(), cause);
    }

    /** The sticky error that put the GPU out of service. */
    @Override
    public synchronized CudaException getCause() {
        return (CudaException) super.getCause();
    }
}
