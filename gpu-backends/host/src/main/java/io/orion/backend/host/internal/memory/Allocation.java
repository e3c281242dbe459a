package io.orion.backend.host.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One device allocation: device addresses {@code [base, base + size)} backed by an off-heap segment
 * of exactly {@code size} bytes. Its arena is shared, so closing it while a kernel still reads the
 * segment makes that read fail cleanly (the kernel reports an illegal address) instead of touching
 * freed memory.
 */
public record Allocation(long base, long size, MemorySegment segment, Arena arena) {

    public long end() { return base + size; }

    public boolean contains(long address, long length) {
        return address >= base && length >= 0 && address - base <= size - length;
    }
}
