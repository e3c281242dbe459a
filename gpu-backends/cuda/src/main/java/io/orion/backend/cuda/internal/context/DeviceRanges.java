package io.orion.backend.cuda.internal.context;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * The device memory a context may name: its allocations and the globals of its loaded modules.
 * Copies, memsets and frees are checked against it, so a stale pointer (use after free, double
 * free) or another tenant's pointer is refused with INVALID_VALUE before it reaches the driver.
 */
final class DeviceRanges {
    enum Kind { ALLOCATION, GLOBAL }

    record Range(long base, long size, Kind kind) {
        boolean covers(long ptr, long bytes) {
            return ptr >= base && bytes <= size && ptr - base <= size - bytes;
        }
    }

    /** By base address; user-space addresses are below 2^63, so signed order is address order. */
    private final ConcurrentSkipListMap<Long, Range> ranges = new ConcurrentSkipListMap<>();

    void add(long base, long size, Kind kind) {
        ranges.put(base, new Range(base, size, kind));
    }

    /** Removes the allocation starting at {@code base}; INVALID_VALUE when there is none. */
    Range removeAllocation(long base) {
        Range r = ranges.get(base);
        if (r == null || r.kind() != Kind.ALLOCATION || !ranges.remove(base, r))
            throw new GpuException(CudaError.INVALID_VALUE, "0x" + Long.toHexString(base)
                    + " is not an allocation of this context (already freed, never allocated here, or not its start)");
        return r;
    }

    void removeGlobal(long base) {
        ranges.computeIfPresent(base, (k, r) -> r.kind() == Kind.GLOBAL ? null : r);
    }

    /** Checks that {@code [ptr, ptr+bytes)} lies inside one range; {@code what} names the operand. */
    void check(long ptr, long bytes, String what) {
        Map.Entry<Long, Range> e = ranges.floorEntry(ptr);
        if (e == null || !e.getValue().covers(ptr, bytes))
            throw new GpuException(CudaError.INVALID_VALUE, what + " 0x" + Long.toHexString(ptr) + " (" + bytes
                    + " bytes) is not inside memory of this context (freed, out of bounds, or another context's)");
    }

    /** Allocated bytes (globals not counted). */
    long allocatedBytes() {
        return ranges.values().stream().filter(r -> r.kind() == Kind.ALLOCATION).mapToLong(Range::size).sum();
    }
}
