package io.orion.server.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.Codec;
import io.orion.protocol.Frame;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;

/**
 * An in-process connection for the server's tests: requests go straight into the handler on the
 * calling thread, replies queue up for the test. It speaks the wire format, so every test goes
 * through the codec and the server's checks exactly as a remote client does.
 */
final class LoopbackConnection implements Connection {
    private final LinkedBlockingQueue<ByteBuffer> replies = new LinkedBlockingQueue<>();
    private final MemorySegment region;
    private final FrameHandler handler;
    private final PayloadWriter writer = new PayloadWriter(256);
    private volatile boolean open = true;
    long session;
    long seq;

    LoopbackConnection(ConnectionAcceptor server, MemorySegment region) {
        this.region = region;
        this.handler = server.accept(this);
    }

    @Override public String transport() { return "loopback"; }

    @Override public String peer() { return "test"; }

    @Override public void send(ByteBuffer... parts) throws IOException {
        if (!open) throw new IOException("closed");
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        ByteBuffer copy = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) copy.put(p.duplicate());
        replies.add(copy.flip());
    }

    @Override public Optional<MemorySegment> sharedRegion() { return Optional.ofNullable(region); }

    @Override public void close() {
        if (!open) return;
        open = false;
        handler.onClosed(null);
    }

    /** The transport under this connection shuts down. */
    void closeByTransport() {
        open = false;
        handler.onClosed(new TransportClosedException("loopback"));
    }

    /** The client died: the connection ends with an error. */
    void breakConnection() {
        open = false;
        handler.onClosed(new IOException("connection reset by peer"));
    }

    @Override public boolean isOpen() { return open; }

    /** Sends raw frame bytes. */
    void raw(byte[] frame) {
        handler.onFrame(ByteBuffer.wrap(frame));
    }

    void post(Request r, boolean async) {
        ByteBuffer[] parts = Codec.encodeRequest(writer, r, async ? Wire.FLAG_ASYNC : 0, ++seq, session);
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        ByteBuffer frame = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) frame.put(p.duplicate());
        handler.onFrame(frame.flip());
    }

    Reply call(Request r) {
        post(r, false);
        return next();
    }

    Reply next() {
        ByteBuffer b = poll();
        if (b == null) throw new AssertionError("no reply");
        Frame f = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
        return Codec.decodeReply(f.header(), f.payload());
    }

    ByteBuffer poll() {
        try {
            return replies.poll(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    boolean noReply() { return replies.isEmpty(); }

    /** Opens a session with automatic vGPUs; returns the HELLO_OK. */
    SessionCalls.HelloOk hello(int count, long memoryMiB, String group) {
        Reply r = call(new SessionCalls.Hello(1, 1, false, 0, 0, 100, "test-host", "test", group, java.util.List.of(), count, memoryMiB, 50));
        if (!r.isOk()) throw new AssertionError("HELLO failed: " + r);
        SessionCalls.HelloOk ok = (SessionCalls.HelloOk) r.result();
        session = ok.session();
        return ok;
    }

    /** A device-to-host copy: gathers every chunk of the reply. */
    byte[] read(int device, long src, int bytes) {
        post(new MemoryCalls.CopyDtoH(device, src, bytes, 0), false);
        byte[] out = new byte[bytes];
        while (true) {
            ByteBuffer b = poll();
            Frame f = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
            Reply r = Codec.decodeReply(f.header(), f.payload());
            if (!r.isOk()) throw new AssertionError("COPY_DTOH failed: " + r);
            MemoryCalls.DataChunk c = (MemoryCalls.DataChunk) r.result();
            c.data().duplicate().get(out, (int) c.offset(), c.data().remaining());
            if (!f.header().has(Wire.FLAG_MORE)) return out;
        }
    }
}
