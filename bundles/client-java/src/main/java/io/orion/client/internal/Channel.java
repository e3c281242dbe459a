package io.orion.client.internal;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** The client end of one connection: frames out, frames in. One thread at a time uses it. */
interface Channel extends Closeable {

    /** {@code tcp} or {@code shm}. */
    String name();

    /** Sends one frame made of {@code parts}. */
    void send(ByteBuffer... parts) throws IOException;

    /** The next frame from the server, valid until the next call. */
    default ByteBuffer receive() throws IOException {
        return receive(0);
    }

    /** As {@link #receive()}, failing with a {@link java.net.SocketTimeoutException} at {@code deadlineNanos} (0: never). */
    ByteBuffer receive(long deadlineNanos) throws IOException;

    /** The largest frame the connection carries, header included. */
    int maxFrame();

    /** The shared region, or null on a transport that copies. */
    MemorySegment region();

    /** Host buffers in the region; null without one. */
    RegionAllocator allocator();

    @Override
    void close();
}
