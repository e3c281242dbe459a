package io.orion.backend.cuda.internal.context;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * The device memory a context may name: its allocations and the globals of its loaded modules.
 * Copies, memsets and frees are checked against it, so a stale pointer (use after free, double
 * free) or another tenant's pointer is refused with INVALID_VALUE before it reaches the driver.
 *
 * <p>A check is on every copy and memset, so the two ranges found last are tried first: programs
 * name the same few buffers again and again, and a copy names two. That costs two field reads
 * and a volatile read where the map would cost a boxed key, a search and an entry object.
 */
final class DeviceRanges {
    enum Kind { ALLOCATION, GLOBAL }

    static final class Range {
        final long base, size;
        final Kind kind;
        /** Set once the range left the map, before its memory is freed: a remembered range is then no longer trusted. */
        volatile boolean removed;

        Range(long base, long size, Kind kind) {
            this.base = base;
            this.size = size;
            this.kind = kind;
        }

        boolean covers(long ptr, long bytes) {
            return ptr >= base && bytes <= size && ptr - base <= size - bytes;
        }
    }

    /** By base address; user-space addresses are below 2^63, so signed order is address order. */
    private final ConcurrentSkipListMap<Long, Range> ranges = new ConcurrentSkipListMap<>();
    /**
     * The ranges the last checks found, newest first. Plain fields on purpose: threads may see
     * each other's writes late or not at all, which costs a map search and never a wrong answer,
     * because a remembered range is only used while it is not {@link Range#removed}.
     */
    private Range recent, previous;

    void add(long base, long size, Kind kind) {
        Range old = ranges.put(base, new Range(base, size, kind));
        if (old != null) old.removed = true;
    }

    /** Removes the allocation starting at {@code base}; INVALID_VALUE when there is none. */
    Range removeAllocation(long base) {
        Range r = ranges.get(base);
        if (r == null || r.kind != Kind.ALLOCATION || !ranges.remove(base, r))
            throw new GpuException(CudaError.INVALID_VALUE, "0x" + Long.toHexString(base)
                    + " is not an allocation of this context (already freed, never allocated here, or not its start)");
        r.removed = true;
        return r;
    }

    void removeGlobal(long base) {
        Range r = ranges.get(base);
        if (r != null && r.kind == Kind.GLOBAL && ranges.remove(base, r)) r.removed = true;
    }

    /** Checks that {@code [ptr, ptr+bytes)} lies inside one range; {@code what} names the operand. */
    void check(long ptr, long bytes, String what) {
        Range r = recent;
        if (r != null && r.covers(ptr, bytes) && !r.removed) return;
        Range p = previous;
        if (p != null && p.covers(ptr, bytes) && !p.removed) {
            previous = r;
            recent = p;
            return;
        }
        Map.Entry<Long, Range> e = ranges.floorEntry(ptr);
        if (e == null || !e.getValue().covers(ptr, bytes))
            throw new GpuException(CudaError.INVALID_VALUE, what + " 0x" + Long.toHexString(ptr) + " (" + bytes
                    + " bytes) is not inside memory of this context (freed, out of bounds, or another context's)");
        previous = r;
        recent = e.getValue();
    }

    /** Allocated bytes (globals not counted). */
    long allocatedBytes() {
        long sum = 0;
        for (Range r : ranges.values()) if (r.kind == Kind.ALLOCATION) sum += r.size;
        return sum;
    }
}
