package io.orion.backend.host.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

import io.orion.api.backend.HostMemory;

/**
 * Host memory the context copies to and from directly: memory it allocated (off-heap, page aligned,
 * reachable from every thread, so asynchronous copies need no staging), or a region it registered.
 * Closing frees the one and forgets the other.
 */
public final class PinnedMemory implements HostMemory {
    private final MemorySegment segment;
    private final Arena arena;
    private final Consumer<PinnedMemory> onClose;
    private volatile boolean closed;

    private PinnedMemory(MemorySegment segment, Arena arena, Consumer<PinnedMemory> onClose) {
        this.segment = segment;
        this.arena = arena;
        this.onClose = onClose;
    }

    public static PinnedMemory allocate(long bytes, Consumer<PinnedMemory> onClose) {
        Arena arena = Arena.ofShared();
        try {
            return new PinnedMemory(arena.allocate(bytes, 4096), arena, onClose);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    public static PinnedMemory register(MemorySegment region, Consumer<PinnedMemory> onClose) {
        return new PinnedMemory(region, null, onClose);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    /** Whether {@code [address, address + bytes)} lies in this memory. */
    public boolean covers(long address, long bytes) {
        return !closed && address >= segment.address() && address - segment.address() <= segment.byteSize() - bytes;
    }

    public boolean overlaps(MemorySegment region) {
        long a = region.address();
        long b = segment.address();
        return !closed && a < b + segment.byteSize() && b < a + region.byteSize();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        onClose.accept(this);
        if (arena != null) arena.close();
    }
}
