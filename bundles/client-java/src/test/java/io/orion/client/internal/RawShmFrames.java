package io.orion.client.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.orion.protocol.shm.WaitPolicy;

/**
 * Raw frames over a shared-memory connection, for tests that must send what no client would (the
 * live-server fuzz test): the client's own ring channel, without the session logic on top.
 */
public final class RawShmFrames implements AutoCloseable {
    private final ShmChannel channel;

    private RawShmFrames(ShmChannel channel) {
        this.channel = channel;
    }

    /** Connects to {@code shm://...} with a payload region of {@code regionMiB}. */
    public static RawShmFrames connect(String endpoint, int regionMiB) throws IOException {
        // Parks of 1 ms, not the client's 100: a closed connection is noticed at a park's end, and the fuzz
        // test reconnects after hundreds of closes.
        return new RawShmFrames(ShmChannel.connect(Endpoint.parse(endpoint), regionMiB, new WaitPolicy(50_000, 1_000_000)));
    }

    public void write(ByteBuffer frame) throws IOException {
        channel.send(frame);
    }

    /** The next frame from the server, copied out of the ring; an IOException once the server closed the connection. */
    public ByteBuffer read() throws IOException {
        ByteBuffer f = channel.receive();
        ByteBuffer copy = ByteBuffer.allocate(f.remaining());
        copy.put(f.duplicate()).flip();
        return copy;
    }

    /** Bytes in the payload region both sides map. */
    public long regionBytes() {
        return channel.region().byteSize();
    }

    @Override
    public void close() {
        channel.close();
    }
}
