package dev.kairos.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How CUDA results become exceptions. */
class CudaExceptionTest {

    @Test
    void theMessageNamesTheOperationAndTheError() {
        CudaException e = new CudaException("cuLaunchKernel(update_int_float)", 700, "CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(e).hasMessage("cuLaunchKernel(update_int_float) failed: CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(e.code()).isEqualTo(700);
        assertThat(e.errorName()).isEqualTo("CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(e.operation()).isEqualTo("cuLaunchKernel(update_int_float)");
    }

    @Test
    void errorNamesComeFromJCudasTableWithoutADriver() {
        assertThat(JCudaDriverApi.errorName(0)).isEqualTo("CUDA_SUCCESS");
        assertThat(JCudaDriverApi.errorName(2)).isEqualTo("CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(JCudaDriverApi.errorName(700)).isEqualTo("CUDA_ERROR_ILLEGAL_ADDRESS");
        assertThat(JCudaDriverApi.errorName(719)).isEqualTo("CUDA_ERROR_LAUNCH_FAILED");
    }

    @Test
    void faultsOfTheDeviceAreStickyAndCallerMistakesAreNot() {
        assertThat(new CudaException("x", 700, "CUDA_ERROR_ILLEGAL_ADDRESS").isSticky()).isTrue();
        assertThat(new CudaException("x", 716, "CUDA_ERROR_MISALIGNED_ADDRESS").isSticky()).isTrue();
        assertThat(new CudaException("x", 719, "CUDA_ERROR_LAUNCH_FAILED").isSticky()).isTrue();
        assertThat(new CudaException("x", 1, "CUDA_ERROR_INVALID_VALUE").isSticky()).isFalse();
        assertThat(new CudaException("x", 2, "CUDA_ERROR_OUT_OF_MEMORY").isSticky()).isFalse();
        assertThat(new CudaException("x", 701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES").isSticky()).isFalse();
    }

    @Test
    void theDriverVersionTheProbeDemandsMatchesThePtxIsa() {
        // PTX ISA 9.0 is CUDA 13.0's; rebuilding the kernels with another nvcc must revisit MIN_DRIVER_VERSION.
        assertThat(dev.kairos.kernels.Kernels.ptx(dev.kairos.kernels.Kernels.TUTORIAL)).contains(".version 9.0");
        assertThat(dev.kairos.kernels.Kernels.ptx(dev.kairos.kernels.Kernels.FILL)).contains(".version 9.0");
        assertThat(CudaBackend.MIN_DRIVER_VERSION).isEqualTo(13000);
    }
}
