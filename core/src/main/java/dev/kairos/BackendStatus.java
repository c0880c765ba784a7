package dev.kairos;

/**
 * What one backend found when the runtime started: whether it is in use and, in one line, what it
 * contributed or why it is off (e.g. {@code CUDA: unavailable — libcuda.so.1 not found}).
 */
public record BackendStatus(String name, boolean available, String detail) {

    @Override
    public String toString() {
        return name + ": " + (available ? detail : "unavailable — " + detail);
    }
}
