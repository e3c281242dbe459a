package io.orion.server.internal;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.GpuStream;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.Result;

/**
 * A device-to-host copy answered in chunks over a transport that copies (TCP; protocol.md §4.3):
 * two pinned staging buffers, so that chunk k+1 is copied from the device, queued on a stream,
 * while chunk k is being sent. Only one copy is ever in flight: the one for the chunk after the
 * one being sent, into the other buffer.
 *
 * <p>The first chunk is copied on the stream the call names, as a single copy would be: on the
 * default stream synchronously, so that it follows everything it must (the legacy default stream
 * waits for the blocking streams too). The later chunks go to the named stream, or for the default
 * stream to the device's own copy stream: the session's calls are handled one at a time, so nothing
 * of the session's can be queued in between.
 */
final class ChunkedCopyOut {
    private ChunkedCopyOut() {}

    static Result run(SessionDevice d, MemoryCalls.CopyDtoH m, int chunkBytes, ChunkSink sink) {
        d.allocations.check(m.src(), m.bytes(), "source");
        GpuStream requested = d.stream(m.stream());
        long total = m.bytes();
        int size = (int) Math.max(1, Math.min(chunkBytes, total));
        MemorySegment first = d.staging(0, size);
        if (total <= size) { // one chunk (or none): a plain copy, nothing to overlap
            MemorySegment stage = first.asSlice(0, total);
            if (total > 0) copyAndWait(d, stage, m.src(), requested);
            d.bytesFromDevice.add(total);
            return new MemoryCalls.DataChunk(0, stage.asByteBuffer());
        }
        MemorySegment[] stages = {first, d.staging(1, size)};
        GpuStream ahead = requested != null ? requested : d.copyStream();
        MemorySegment current = stages[0].asSlice(0, size);
        copyAndWait(d, current, m.src(), requested);
        long off = 0;
        boolean inFlight = false;
        try {
            for (int k = 0; ; k++) {
                long next = off + current.byteSize();
                MemorySegment following = null;
                if (next < total) {
                    following = stages[(k + 1) % 2].asSlice(0, Math.min(size, total - next));
                    d.context.copyDtoH(following, m.src() + next, following.byteSize(), ahead);
                    inFlight = true;
                }
                MemoryCalls.DataChunk chunk = new MemoryCalls.DataChunk(off, current.asByteBuffer());
                d.bytesFromDevice.add(current.byteSize());
                if (following == null) return chunk; // the last chunk is the call's result
                // Transports have taken the bytes when send returns (TCP writes them, shm copies them to its
                // ring), so this buffer is free for the chunk after next once the following copy is waited for.
                sink.more(chunk);
                d.context.synchronize(ahead);
                inFlight = false;
                off = next;
                current = following;
            }
        } finally {
            // Leaving early (a send or a copy failed): the copy in flight must not land in a buffer the next call reuses.
            if (inFlight) waitQuietly(d, ahead);
        }
    }

    private static void copyAndWait(SessionDevice d, MemorySegment stage, long src, GpuStream stream) {
        d.context.copyDtoH(stage, src, stage.byteSize(), stream);
        if (stream != null) d.context.synchronize(stream);
    }

    private static void waitQuietly(SessionDevice d, GpuStream stream) {
        try {
            d.context.synchronize(stream);
        } catch (RuntimeException e) {
            // The call is failing already with its own error; this one would only hide it.
        }
    }
}
