package io.orion.transport.shm.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.shm.Liveness;
import io.orion.protocol.shm.Parker;
import io.orion.protocol.shm.ShmLayout;
import io.orion.protocol.shm.ShmRing;
import io.orion.protocol.shm.WaitPolicy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client on the same node: its shared file (mapped here), the request ring this connection's
 * poller thread consumes, the reply ring it produces, and the payload region. The rendezvous
 * socket stays open for the connection's life: its end-of-file is how a dead client is noticed,
 * at the latest one park slice later.
 */
final class ShmConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(ShmConnection.class);

    private final ShmTransport transport;
    private final SocketChannel socket;
    private final Arena arena;
    private final MemorySegment file;
    private final ShmRing requests;
    private final ShmRing replies;
    private final MemorySegment region;
    private final WaitPolicy wait;
    private final String peer;
    private final int maxFrame;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private volatile boolean closedByTransport;
    private volatile FrameHandler handler;
    private final Liveness alive = this::checkAlive;

    ShmConnection(ShmTransport transport, SocketChannel socket, Arena arena, MemorySegment file, ShmLayout layout,
                  ShmSettings s, long clientPid) throws IOException {
        this.transport = transport;
        this.socket = socket;
        this.arena = arena;
        this.file = file;
        Parker parker = Parker.best();
        this.requests = new ShmRing("request", layout.requestRing(file), layout.requestRingCapacity(), parker);
        this.replies = new ShmRing("reply", layout.replyRing(file), layout.replyRingCapacity(), parker);
        this.region = layout.region(file);
        this.wait = new WaitPolicy(s.busyPoll() ? -1 : s.spinMicros() * 1000L, s.parkMillis() * 1_000_000L);
        this.peer = "pid " + clientPid;
        this.maxFrame = Math.min(requests.maxFrame(), replies.maxFrame());
        socket.configureBlocking(false);
    }

    void start(ConnectionAcceptor acceptor) {
        handler = acceptor.accept(this);
        Thread.ofPlatform().name("orion-shm-" + peer.replace(' ', '-')).daemon().start(this::pollLoop);
    }

    private void pollLoop() {
        Throwable cause = null;
        try {
            while (!closed.get()) {
                ByteBuffer frame = requests.take(wait, alive);
                try {
                    handler.onFrame(frame);
                } finally {
                    requests.release();
                }
            }
        } catch (ProtocolException e) {
            LOG.warn("shm {}: {}; closing", peer, e.getMessage());
            cause = e;
        } catch (IOException e) {
            if (!closed.get()) cause = e;
        } catch (RuntimeException e) {
            LOG.error("shm {}: the frame handler failed; closing the connection", peer, e);
            cause = e;
        } finally {
            close();
            transport.forget(this);
            try {
                handler.onClosed(closedByTransport ? new TransportClosedException("shm") : cause);
            } catch (RuntimeException e) {
                LOG.error("shm {}: onClosed failed", peer, e);
            } finally {
                // the handler has let go of the region (Connection.sharedRegion's contract): unmap it now
                arena.close();
            }
        }
    }

    /** The client is gone when it says so in the control block or its end of the rendezvous socket is closed. */
    private void checkAlive() throws IOException {
        if (closed.get()) throw new EOFException("connection closed");
        if (ShmLayout.isClosed(file, false)) throw new EOFException("the client closed the connection");
        probe.clear();
        if (socket.read(probe) < 0) throw new EOFException("the client process is gone (rendezvous socket closed)");
    }

    @Override public String transport() { return "shm"; }

    @Override public String peer() { return peer; }

    @Override public synchronized void send(ByteBuffer... parts) throws IOException {
        if (closed.get()) throw new EOFException("connection closed");
        replies.write(wait, alive, parts);
    }

    @Override public Optional<MemorySegment> sharedRegion() { return Optional.of(region); }

    @Override public int maxFrameSize() { return maxFrame; }

    void closeByTransport() {
        closedByTransport = true;
        close();
    }

    /** Marks the file closed and wakes both sides; the poller thread then ends and unmaps. */
    @Override public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            ShmLayout.markClosed(file, true);
            requests.wakeAll();
            replies.wakeAll();
        } catch (IllegalStateException e) {
            LOG.debug("shm {}: already unmapped", peer);
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("shm {}: closing the socket: {}", peer, e.getMessage());
        }
    }

    @Override public boolean isOpen() { return !closed.get(); }
}
