package io.orion.server.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * The device ranges one session may touch on one vGPU: its own allocations, and the module globals
 * it looked up. Every pointer of a copy, memset or free is checked here before the backend sees it;
 * a range that is not wholly inside one of them is refused with CUDA_ERROR_INVALID_VALUE.
 */
final class Allocations {
    /** base → size of the session's allocations. */
    private final ConcurrentSkipListMap<Long, Long> owned = new ConcurrentSkipListMap<>(Long::compareUnsigned);
    /** base → size of module globals (freed with their module, never by MEM_FREE). */
    private final ConcurrentSkipListMap<Long, Long> globals = new ConcurrentSkipListMap<>(Long::compareUnsigned);
    private final AtomicLong ownedBytes = new AtomicLong();
    private final int device;

    Allocations(int device) {
        this.device = device;
    }

    void add(long base, long size) {
        if (owned.putIfAbsent(base, size) != null)
            throw new GpuException(CudaError.UNKNOWN, String.format("the backend returned 0x%x twice", base));
        ownedBytes.addAndGet(size);
    }

    /** Removes an allocation by its base; returns its size. */
    long remove(long base) {
        Long size = owned.remove(base);
        if (size == null) {
            String why = contains(owned, base, 1) ? "is inside an allocation, not its start"
                    : "is not an allocation of this session";
            throw new GpuException(CudaError.INVALID_VALUE, String.format("free of 0x%x on device %d: it %s", base, device, why));
        }
        ownedBytes.addAndGet(-size);
        return size;
    }

    void addGlobal(long base, long size) { globals.put(base, size); }

    void removeGlobal(long base) { globals.remove(base); }

    /**
     * Checks that {@code [ptr, ptr+bytes)} lies inside one allocation or global of this session.
     *
     * @param what the operand, for the error message (e.g. "destination")
     */
    void check(long ptr, long bytes, String what) {
        if (bytes == 0) return;
        if (contains(owned, ptr, bytes) || contains(globals, ptr, bytes)) return;
        throw new GpuException(CudaError.INVALID_VALUE, String.format(
                "%s 0x%x+%d is not inside an allocation of this session on device %d", what, ptr, bytes, device));
    }

    private static boolean contains(ConcurrentSkipListMap<Long, Long> map, long ptr, long bytes) {
        Map.Entry<Long, Long> e = map.floorEntry(ptr);
        if (e == null) return false;
        long off = ptr - e.getKey(); // unsigned distance from the base
        long size = e.getValue();
        return Long.compareUnsigned(off, size) < 0 && Long.compareUnsigned(bytes, size - off) <= 0;
    }

    long ownedBytes() { return ownedBytes.get(); }

    int count() { return owned.size(); }

    /** Every allocation base, for freeing them all. */
    Iterable<Map.Entry<Long, Long>> all() { return owned.entrySet(); }
}
