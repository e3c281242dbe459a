package io.orion.client.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.orion.client.HostBuffer;

/** Host buffers: a piece of the shared region, or private off-heap memory. */
final class Buffers {
    private Buffers() {}

    static final class Shared implements HostBuffer {
        private final RegionAllocator allocator;
        private final MemorySegment piece;
        private boolean closed;

        Shared(RegionAllocator allocator, MemorySegment piece) {
            this.allocator = allocator;
            this.piece = piece;
        }

        @Override public MemorySegment segment() { return piece; }

        @Override public boolean shared() { return true; }

        @Override public synchronized void close() {
            if (closed) return;
            closed = true;
            allocator.release(piece);
        }
    }

    static final class Private implements HostBuffer {
        private final Arena arena;
        private final MemorySegment segment;

        Private(Arena arena, long bytes) {
            this.arena = arena;
            this.segment = arena.allocate(bytes, 4096);
        }

        @Override public MemorySegment segment() { return segment; }

        @Override public boolean shared() { return false; }

        @Override public void close() {
            if (arena.scope().isAlive()) arena.close();
        }
    }
}
