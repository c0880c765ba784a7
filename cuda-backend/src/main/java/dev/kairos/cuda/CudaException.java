package dev.kairos.cuda;

import dev.kairos.KairosException;
import java.util.Set;

/**
 * A CUDA driver call, or the device work a task enqueued, failed: names the operation and the CUDA
 * error, e.g. {@code cuLaunchKernel(update_int_float) failed: CUDA_ERROR_INVALID_VALUE}.
 */
public final class CudaException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Errors that CUDA documents as leaving the context unusable: every later call in the process
     * returns the same error. A device that reports one is out of service for the rest of the run.
     */
    private static final Set<Integer> STICKY = Set.of(
            214, // CUDA_ERROR_ECC_UNCORRECTABLE
            700, // CUDA_ERROR_ILLEGAL_ADDRESS
            702, // CUDA_ERROR_LAUNCH_TIMEOUT
            710, // CUDA_ERROR_ASSERT
            714, // CUDA_ERROR_HARDWARE_STACK_ERROR
            715, // CUDA_ERROR_ILLEGAL_INSTRUCTION
            716, // CUDA_ERROR_MISALIGNED_ADDRESS
            717, // CUDA_ERROR_INVALID_ADDRESS_SPACE
            718, // CUDA_ERROR_INVALID_PC
            719); // CUDA_ERROR_LAUNCH_FAILED

    private final String operation;
    private final int code;
    private final String errorName;

    /**
     * @param operation what failed, e.g. {@code cuMemAlloc(bytes=268435456)}
     * @param code the {@code CUresult}
     * @param errorName its name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}
     */
    public CudaException(String operation, int code, String errorName) {
        super(operation + " failed: " + errorName);
        this.operation = operation;
        this.code = code;
        this.errorName = errorName;
    }

    public String operation() {
        return operation;
    }

    /** The {@code CUresult}. */
    public int code() {
        return code;
    }

    /** The {@code CUresult}'s name, e.g. {@code CUDA_ERROR_ILLEGAL_ADDRESS}. */
    public String errorName() {
        return errorName;
    }

    /** Whether this error leaves the device's context unusable for the rest of the process. */
    public boolean isSticky() {
        return isSticky(code);
    }

    static boolean isSticky(int code) {
        return STICKY.contains(code);
    }
}
