package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.driver.Scratch;
import io.orion.backend.cuda.internal.ffi.CudaConstants;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * Pinned bounce buffers of one context, for copies whose host side the driver cannot DMA
 * directly and asynchronously: Java heap memory (never passed to native code), and pageable memory
 * on a stream (where the driver would first wait for the stream). Each buffer carries an event
 * recorded after the copy that used it, so the next user waits only for that copy. A copy runs in
 * chunks so that filling (or draining) one buffer overlaps the DMA of another.
 *
 * <p>Buffers are made lazily, up to {@code maxBuffers}, and freed with the context.
 */
final class Staging {
    private final ContextCore core;
    private final long chunkBytes;
    private final int maxBuffers;
    private final LinkedBlockingQueue<Buffer> idle = new LinkedBlockingQueue<>();
    private final List<Buffer> all = new ArrayList<>();

    private static final class Buffer {
        final MemorySegment memory;
        final MemorySegment event;
        /** An event was recorded after the last copy through it and may not have completed. */
        boolean busy;

        Buffer(MemorySegment memory, MemorySegment event) {
            this.memory = memory;
            this.event = event;
        }
    }

    private record Pending(Buffer buffer, long offset, long bytes) {}

    Staging(ContextCore core, long chunkBytes, int maxBuffers) {
        this.core = core;
        this.chunkBytes = chunkBytes;
        this.maxBuffers = maxBuffers;
    }

    /**
     * Host to device through the buffers, queued on {@code stream} (NULL: the default stream). The
     * source has been read when this returns. {@code wait}: also wait for the copy to complete.
     */
    void toDevice(Scratch s, long dst, MemorySegment src, long bytes, MemorySegment stream, boolean wait) {
        for (long off = 0; off < bytes; ) {
            long n = Math.min(chunkBytes, bytes - off);
            Buffer b = take(s);
            try {
                awaitIdle(b);
                MemorySegment.copy(src, off, b.memory, 0, n);
                core.check(CudaDriver.cuMemcpyHtoDAsync_v2(dst + off, b.memory, n, stream), "staged cuMemcpyHtoDAsync");
                core.check(CudaDriver.cuEventRecord(b.event, stream), "cuEventRecord(staging)");
                b.busy = true;
            } finally {
                idle.add(b);
            }
            off += n;
        }
        if (wait) core.check(CudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize after a staged copy");
    }

    /**
     * Device to host through the buffers, on {@code stream}; the data is in {@code dst} when this
     * returns. At most two buffers are held at once (one filling by DMA while the other is drained),
     * and a buffer is only waited for while holding none, so concurrent copies cannot deadlock.
     */
    void toHost(Scratch s, MemorySegment dst, long src, long bytes, MemorySegment stream) {
        ArrayDeque<Pending> pending = new ArrayDeque<>(2);
        try {
            for (long off = 0; off < bytes; ) {
                if (pending.size() == 2) drain(pending.poll(), dst);
                Buffer b = idle.poll();
                if (b == null) b = create(s);
                if (b == null && !pending.isEmpty()) {
                    drain(pending.poll(), dst);
                    continue;
                }
                if (b == null) b = take(s);
                long n = Math.min(chunkBytes, bytes - off);
                pending.add(new Pending(b, off, n));
                awaitIdle(b);
                core.check(CudaDriver.cuMemcpyDtoHAsync_v2(b.memory, src + off, n, stream), "staged cuMemcpyDtoHAsync");
                core.check(CudaDriver.cuEventRecord(b.event, stream), "cuEventRecord(staging)");
                b.busy = true;
                off += n;
            }
            while (!pending.isEmpty()) drain(pending.poll(), dst);
        } finally {
            for (Pending p : pending) idle.add(p.buffer()); // after an error: give them back, still marked busy
        }
    }

    private void drain(Pending p, MemorySegment dst) {
        try {
            awaitIdle(p.buffer());
            MemorySegment.copy(p.buffer().memory, 0, dst, p.offset(), p.bytes());
        } finally {
            idle.add(p.buffer());
        }
    }

    private void awaitIdle(Buffer b) {
        if (!b.busy) return;
        core.check(CudaDriver.cuEventSynchronize(b.event), "cuEventSynchronize(staging)");
        b.busy = false;
    }

    /** An idle buffer, a new one while under the limit, or else the next one given back. */
    private Buffer take(Scratch s) {
        Buffer b = idle.poll();
        if (b == null) b = create(s);
        if (b != null) return b;
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuException(CudaError.UNKNOWN, "interrupted while waiting for a staging buffer");
        }
    }

    /** A new buffer, or null at the limit. */
    private Buffer create(Scratch s) {
        synchronized (all) {
            if (all.size() >= maxBuffers) return null;
            MemorySegment out = s.out(0);
            core.check(CudaDriver.cuMemAllocHost_v2(out, chunkBytes), "cuMemAllocHost(" + chunkBytes + " bytes) for staging");
            MemorySegment memory = MemorySegment.ofAddress(out.get(JAVA_LONG, 0)).reinterpret(chunkBytes);
            int rc = CudaDriver.cuEventCreate(out, CudaConstants.CU_EVENT_DISABLE_TIMING());
            if (rc != 0) {
                CudaDriver.cuMemFreeHost(memory);
                throw core.fail(rc, "cuEventCreate for staging");
            }
            Buffer b = new Buffer(memory, out.get(ADDRESS, 0));
            all.add(b);
            return b;
        }
    }

    /** At context close, with no calls in flight and the context current: frees every buffer. */
    void free() {
        synchronized (all) {
            for (Buffer b : all) {
                CudaDriver.cuEventDestroy_v2(b.event);
                CudaDriver.cuMemFreeHost(b.memory);
            }
            all.clear();
            idle.clear();
        }
    }
}
