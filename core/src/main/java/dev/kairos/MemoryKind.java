package dev.kairos;

/** The kinds of memory an instance can live in. */
public enum MemoryKind {
    /** Host memory: one off-heap segment, accessible to CPU tasks. */
    SYSTEM,
    /** A GPU's framebuffer: one device allocation per GPU, accessible to that GPU's tasks only. */
    GPU_FB,
    /** Pinned host memory mapped into the GPUs' address space: accessible to CPU and GPU tasks. */
    ZERO_COPY;

    /** Whether tasks on the host can read and write instances of this kind through an accessor. */
    public boolean isHostAccessible() {
        return this != GPU_FB;
    }
}
