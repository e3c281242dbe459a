package io.orion.backend.host.internal.memory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out device addresses from a fixed window, first fit, and takes them back, merging free
 * neighbours. Addresses are reused after a free, as a GPU's allocator reuses them, so a long
 * session that allocates and frees never runs out of address space.
 */
final class AddressRanges {
    private final TreeMap<Long, Long> free = new TreeMap<>(); // start -> length

    AddressRanges(long start, long length) {
        free.put(start, length);
    }

    /** A range of {@code length} bytes starting at a multiple of {@code align}, or -1 if none is left. */
    long take(long length, long align) {
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long start = e.getKey();
            long end = start + e.getValue();
            long aligned = (start + align - 1) & -align;
            if (aligned + length > end || aligned + length < aligned) continue;
            free.remove(start);
            if (aligned > start) free.put(start, aligned - start);
            if (aligned + length < end) free.put(aligned + length, end - aligned - length);
            return aligned;
        }
        return -1;
    }

    void give(long start, long length) {
        long end = start + length;
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            free.remove(start);
        }
        Long afterLength = free.remove(end);
        if (afterLength != null) end += afterLength;
        free.put(start, end - start);
    }
}
