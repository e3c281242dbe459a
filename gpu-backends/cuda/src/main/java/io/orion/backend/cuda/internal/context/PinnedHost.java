package io.orion.backend.cuda.internal.context;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.orion.api.backend.HostMemory;

/**
 * Page-locked host memory of one context: either allocated by the driver ({@code cuMemAllocHost})
 * or a caller's region registered with it ({@code cuMemHostRegister}). Closing it frees or
 * unregisters it once; the context closes whatever is left when it closes.
 */
final class PinnedHost implements HostMemory {
    enum Origin { ALLOCATED, REGISTERED }

    private final HostMemories owner;
    private final Origin origin;
    private final long address;
    private final long size;
    private final MemorySegment segment;
    /** Scope of an allocated segment: closing it makes later access throw instead of touching freed memory. */
    private final Arena arena;
    private final AtomicBoolean released = new AtomicBoolean();

    private PinnedHost(HostMemories owner, Origin origin, long address, long size, MemorySegment segment, Arena arena) {
        this.owner = owner;
        this.origin = origin;
        this.address = address;
        this.size = size;
        this.segment = segment;
        this.arena = arena;
    }

    static PinnedHost allocated(HostMemories owner, long address, long size) {
        Arena arena = Arena.ofShared();
        return new PinnedHost(owner, Origin.ALLOCATED, address, size,
                MemorySegment.ofAddress(address).reinterpret(size, arena, null), arena);
    }

    static PinnedHost registered(HostMemories owner, MemorySegment region) {
        return new PinnedHost(owner, Origin.REGISTERED, region.address(), region.byteSize(), region, null);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        owner.release(this);
    }

    Origin origin() { return origin; }

    long address() { return address; }

    long size() { return size; }

    boolean contains(long start, long bytes) {
        return start >= address && bytes <= size && start - address <= size - bytes;
    }

    /** Set before the memory is freed or unregistered. */
    boolean released() {
        return released.get();
    }

    /** True the first time only: the caller then frees or unregisters the memory. */
    boolean markReleased() {
        if (!released.compareAndSet(false, true)) return false;
        if (arena != null) closeArena();
        return true;
    }

    /** A shared arena cannot close while a downcall holds its segment; such a call is short, so retry. */
    private void closeArena() {
        for (int attempt = 0; ; attempt++) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException busy) {
                if (attempt >= 1000) throw busy;
                LockSupport.parkNanos(1_000_000);
            }
        }
    }
}
