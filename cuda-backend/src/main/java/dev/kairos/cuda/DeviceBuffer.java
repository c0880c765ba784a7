package dev.kairos.cuda;

/**
 * Scratch device memory of one task ({@link CudaTaskContext#allocate}). Closing it frees it once the
 * work already on the task's stream is done.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final GpuTaskContext owner;
    private final long address;
    private final long size;
    private boolean closed;

    DeviceBuffer(GpuTaskContext owner, long address, long size) {
        this.owner = owner;
        this.address = address;
        this.size = size;
    }

    /** The device address of the first byte. */
    public long address() {
        return address;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.free(this);
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[address=0x" + Long.toHexString(address) + ", size=" + size + "]";
    }
}
