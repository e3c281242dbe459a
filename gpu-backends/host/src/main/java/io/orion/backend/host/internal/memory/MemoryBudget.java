package io.orion.backend.host.internal.memory;

import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * The accounted capacity of one host device, shared by every context on it, as a GPU's memory is:
 * an allocation that does not fit fails with {@link CudaError#OUT_OF_MEMORY} even if the machine
 * has the memory, so quotas and out-of-memory paths behave as on a real card.
 */
public final class MemoryBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long capacityBytes) {
        if (capacityBytes <= 0) throw new IllegalArgumentException("device memory must be positive, was " + capacityBytes);
        this.capacity = capacityBytes;
    }

    public long capacity() { return capacity; }

    public long used() { return used.get(); }

    public long free() { return capacity - used.get(); }

    /** Takes {@code bytes} from the budget or throws OUT_OF_MEMORY naming the request and what is left. */
    void reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > capacity - now)
                throw new GpuException(CudaError.OUT_OF_MEMORY, "cannot allocate " + bytes + " bytes of device memory: "
                        + (capacity - now) + " of " + capacity + " bytes free");
            if (used.compareAndSet(now, now + bytes)) return;
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
