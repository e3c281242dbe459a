package io.orion.client.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.orion.protocol.Wire;
import io.orion.protocol.stream.FrameStream;

/** A TCP connection to a server (TCP_NODELAY, buffered reads, spin then sleep). */
final class TcpChannel implements Channel {
    private final FrameStream stream;

    private TcpChannel(FrameStream stream) {
        this.stream = stream;
    }

    static TcpChannel connect(Endpoint e, Duration timeout, long spinNanos) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.socket().connect(new InetSocketAddress(e.host(), e.port()), (int) Math.max(1, timeout.toMillis()));
            return new TcpChannel(new FrameStream(ch, Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE, spinNanos));
        } catch (IOException | RuntimeException ex) {
            ch.close();
            throw ex;
        }
    }

    @Override public String name() { return "tcp"; }

    @Override public void send(ByteBuffer... parts) throws IOException { stream.write(parts); }

    @Override public ByteBuffer receive(long deadlineNanos) throws IOException {
        ByteBuffer f = stream.read(deadlineNanos);
        if (f == null) throw new java.io.EOFException("the server closed the connection");
        return f;
    }

    @Override public int maxFrame() { return Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE; }

    @Override public MemorySegment region() { return null; }

    @Override public RegionAllocator allocator() { return null; }

    @Override public void close() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // closing a connection that is going away anyway
        }
    }
}
