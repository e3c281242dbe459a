package io.orion.client.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out pieces of the shared region (first fit, 4 KiB aligned) for host buffers and staging.
 * The mapping is unmapped once its connection is gone and no piece is in use any more, so that
 * buffers handed out before a reconnect stay valid.
 */
final class RegionAllocator {
    private static final long ALIGN = 4096;

    private final MemorySegment region;
    private final Arena arena;
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private int live;
    private boolean retired;

    RegionAllocator(MemorySegment region, Arena arena) {
        this.region = region;
        this.arena = arena;
        if (region.byteSize() >= ALIGN) free.put(0L, region.byteSize() / ALIGN * ALIGN);
    }

    MemorySegment region() { return region; }

    /** A piece of at least {@code bytes}, or null when the region has no room. */
    synchronized MemorySegment alloc(long bytes) {
        if (retired || bytes <= 0) return null;
        long need = (bytes + ALIGN - 1) / ALIGN * ALIGN;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= need) {
                long off = e.getKey();
                free.remove(off);
                if (e.getValue() > need) free.put(off + need, e.getValue() - need);
                live++;
                return region.asSlice(off, bytes);
            }
        }
        return null;
    }

    synchronized void release(MemorySegment piece) {
        long off = piece.address() - region.address();
        long size = (piece.byteSize() + ALIGN - 1) / ALIGN * ALIGN;
        Map.Entry<Long, Long> before = free.floorEntry(off);
        if (before != null && before.getKey() + before.getValue() == off) {
            off = before.getKey();
            size += before.getValue();
            free.remove(off);
        }
        Long after = free.get(off + size);
        if (after != null) {
            free.remove(off + size);
            size += after;
        }
        free.put(off, size);
        live--;
        if (retired && live == 0) arena.close();
    }

    /** Whether {@code seg} lies wholly in the region; its offset then is {@link #offset}. */
    boolean contains(MemorySegment seg, long bytes) {
        long off = seg.address() - region.address();
        return seg.isNative() && off >= 0 && bytes <= region.byteSize() - off && !retired;
    }

    long offset(MemorySegment seg) {
        return seg.address() - region.address();
    }

    /** The connection is gone: unmap now, or when the last piece comes back. */
    synchronized void retire() {
        if (retired) return;
        retired = true;
        if (live == 0) arena.close();
    }
}
