package io.orion.backend.host.internal.interp;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.backend.host.internal.memory.Allocation;
import io.orion.backend.host.internal.memory.DeviceMemory;

/**
 * A warp's window onto global device memory. It remembers the allocation it used last, so the
 * lanes of one instruction (which nearly always touch one buffer) pay for one lookup; every access
 * is still checked against that allocation's bounds.
 */
final class GlobalView {
    private final DeviceMemory memory;
    private long base = 1;
    private long end = 0;
    private MemorySegment segment;

    GlobalView(DeviceMemory memory) {
        this.memory = memory;
    }

    /** The segment holding {@code [address, address + size)}; {@link #base()} is its device address. */
    MemorySegment resolve(long address, int size) {
        if (address < base || address > end - size) refill(address, size);
        if ((address & (size - 1)) != 0) throw Warp.misaligned("global", address, size);
        return segment;
    }

    long base() { return base; }

    /** Forgets the cached allocation: it may have been freed since. */
    void forget() {
        base = 1;
        end = 0;
        segment = null;
    }

    private void refill(long address, int size) {
        Allocation a = memory.find(address, size);
        if (a == null)
            throw new KernelFault(CudaError.ILLEGAL_ADDRESS, "illegal address 0x" + Long.toHexString(address) + " ("
                    + size + "-byte global access outside every allocation of the context)");
        base = a.base();
        end = a.end();
        segment = a.segment();
    }
}
