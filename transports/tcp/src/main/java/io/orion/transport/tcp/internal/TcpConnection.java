package io.orion.transport.tcp.internal;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.stream.FrameStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: a reader thread of its own hands frames to the handler in order (the
 * handler may block on the GPU without holding up other clients); replies are written by whoever
 * sends them.
 */
final class TcpConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

    private final TcpTransport transport;
    private final FrameStream stream;
    private final String peer;
    private final int maxFrame;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closedByTransport;
    private volatile FrameHandler handler;

    TcpConnection(TcpTransport transport, SocketChannel ch, TcpSettings s) throws IOException {
        this.transport = transport;
        ch.setOption(StandardSocketOptions.SO_RCVBUF, s.socketBufferBytes());
        ch.setOption(StandardSocketOptions.SO_SNDBUF, s.socketBufferBytes());
        this.peer = String.valueOf(ch.getRemoteAddress());
        this.maxFrame = s.maxFrameBytes();
        this.stream = new FrameStream(ch, s.maxFrameBytes(), s.busyPoll() ? -1 : s.spinMicros() * 1000L);
    }

    /** Hands the connection to the acceptor and starts reading. */
    void start(ConnectionAcceptor acceptor) {
        handler = acceptor.accept(this);
        Thread.ofPlatform().name("orion-tcp-" + peer).daemon().start(this::readLoop);
    }

    private void readLoop() {
        Throwable cause = null;
        try {
            ByteBuffer frame;
            while ((frame = stream.read()) != null) handler.onFrame(frame);
        } catch (ProtocolException e) {
            LOG.debug("tcp {}: {}; closing", peer, e.getMessage());
            cause = e;
        } catch (IOException e) {
            if (!closed.get()) cause = e;
        } catch (RuntimeException e) {
            LOG.error("tcp {}: the frame handler failed; closing the connection", peer, e);
            cause = e;
        } finally {
            close();
            transport.forget(this);
            try {
                handler.onClosed(closedByTransport ? new TransportClosedException("tcp") : cause);
            } catch (RuntimeException e) {
                LOG.error("tcp {}: onClosed failed", peer, e);
            }
        }
    }

    @Override public String transport() { return "tcp"; }

    @Override public String peer() { return peer; }

    @Override public void send(ByteBuffer... parts) throws IOException {
        stream.write(parts);
    }

    @Override public int maxFrameSize() { return maxFrame; }

    /** Closes because the transport is closing: the handler is told so, and keeps the session. */
    void closeByTransport() {
        closedByTransport = true;
        close();
    }

    @Override public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("tcp {}: close: {}", peer, e.getMessage());
        }
    }

    @Override public boolean isOpen() { return !closed.get(); }
}
