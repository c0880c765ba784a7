package dev.kairos;

/** Whether the runtime uses CUDA. */
public enum CudaMode {
    /** Use the GPUs if the CUDA backend finds any; run CPU-only otherwise, and log why. */
    AUTO,
    /** Do not probe for GPUs at all. */
    OFF,
    /** Fail {@link Kairos#start} with the probe's reason when no GPU is usable. */
    REQUIRED
}
