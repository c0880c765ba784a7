/**
 * The CUDA backend: GPU processors, GPU_FB and ZERO_COPY memories and device copies, through
 * JCuda's driver API. It exports one package, for GPU task variants: {@code CudaTaskContext}
 * (what {@code TaskContext.backend(CudaTaskContext.class)} returns) and the types it hands out.
 * The runtime finds the backend through {@link java.util.ServiceLoader}.
 */
module dev.kairos.cuda {
    requires transitive dev.kairos.core;
    requires dev.kairos.kernels;
    // JCuda has no module descriptor: this is its automatic module, named after its jar.
    requires jcuda;
    requires org.slf4j;

    exports dev.kairos.cuda;

    provides dev.kairos.spi.Backend with dev.kairos.cuda.CudaBackend;
}
