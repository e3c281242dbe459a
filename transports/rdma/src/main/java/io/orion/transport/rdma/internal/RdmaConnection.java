package io.orion.transport.rdma.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.transport.Connection;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.FrameHandler;
import io.orion.api.transport.TransportClosedException;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.rdma.RdmaHandshake;

import org.openucx.jucx.UcxException;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client over UCX: a worker and an endpoint of its own, driven by the connection's thread,
 * which receives frames (tagged messages) and hands them to the handler in order; replies are
 * sent by whoever sends them. With RMA, the payload region lives here, registered with UCX, and
 * the client writes and reads it by one-sided RDMA: the server sees it as the connection's
 * shared region (COPY_*_REGION, INDIRECT), exactly as over shared memory.
 *
 * <p>UCX objects must never be used after they are destroyed (UCX aborts the process): only the
 * connection's thread destroys them, after every sender has left ({@code sendLock}) and nobody
 * can signal the worker any more ({@code guard}).
 */
final class RdmaConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(RdmaConnection.class);
    private static final int HANDSHAKE_TIMEOUT_MS = 5000;
    private static final long ENDPOINT_CLOSE_NANOS = 1_000_000_000L;

    private final RdmaTransport transport;
    private final SocketChannel rendezvous;
    private final String peer;
    private final int maxFrame;
    private final boolean busyPoll;
    private final long spinNanos;
    private final UcpWorker worker;
    private final UcpEndpoint ep;
    private final MemorySegment region;
    private final UcpMemory registration;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Object guard = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch tornDown = new CountDownLatch(1);
    private boolean workerGone; // under guard
    private volatile boolean closedByTransport;
    private volatile String peerGone;
    private volatile String endpointError;
    private volatile FrameHandler handler;
    private volatile Thread loopThread;
    private ByteBuffer in = ByteBuffer.allocateDirect(64 << 10);  // the connection's thread only
    private ByteBuffer out = ByteBuffer.allocateDirect(64 << 10); // under sendLock

    private RdmaConnection(RdmaTransport transport, SocketChannel rendezvous, String peer, RdmaSettings s, UcpWorker worker,
                           byte[] clientAddress, MemorySegment region, UcpMemory registration) {
        this.transport = transport;
        this.rendezvous = rendezvous;
        this.peer = peer;
        this.maxFrame = s.maxFrameBytes();
        this.busyPoll = s.busyPoll();
        this.spinNanos = s.spinMicros() * 1000L;
        this.worker = worker;
        this.region = region;
        this.registration = registration;
        this.ep = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(direct(clientAddress)).setPeerErrorHandlingMode()
                .setErrorHandler((e, status, message) -> failed(status, message)));
    }

    /**
     * The server's half of the rendezvous (docs/protocol.md §6b): reads the client's request,
     * makes the connection's worker, endpoint and (with RMA) registered region, answers. Null when
     * the client was refused or the handshake failed; the socket is closed then.
     */
    static RdmaConnection accept(RdmaTransport t, SocketChannel c, UcpContext ctx, RdmaSettings s, boolean device) {
        UcpWorker worker = null;
        UcpMemory mem = null;
        RdmaConnection conn = null;
        try {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.socket().setSoTimeout(HANDSHAKE_TIMEOUT_MS); // a client that never completes the handshake is dropped
            RdmaHandshake.Request req = RdmaHandshake.Request.read(Channels.newChannel(c.socket().getInputStream()));
            String peer = c.getRemoteAddress() + " pid " + req.pid();
            int mib = req.regionMiB() == 0 ? s.regionMiB() : req.regionMiB();
            boolean rma = req.wantsRma() && s.rma();
            if (rma && mib > s.maxRegionMiB()) {
                RdmaHandshake.writeFully(c, RdmaHandshake.Response.error(2, "a region of " + mib + " MiB exceeds this server's limit of "
                        + s.maxRegionMiB() + " MiB").encode());
                c.close();
                return null;
            }
            worker = ctx.newWorker(new UcpWorkerParams().requestThreadSafety().requestWakeupTagRecv().requestWakeupRX().requestWakeupTX());
            MemorySegment region = null;
            if (rma) {
                try {
                    // UCX allocates it: memory every transport can reach remotely, shared memory included
                    // (memory of our own would be remote-accessible over RDMA devices, not over UCX's shm)
                    mem = ctx.memoryMap(new UcpMemMapParams().allocate().setLength((long) mib << 20));
                    region = MemorySegment.ofAddress(mem.getAddress()).reinterpret(mem.getLength());
                } catch (UcxException e) {
                    // e.g. a memlock limit on a real HCA: the connection still works, with data in messages
                    LOG.warn("rdma {}: cannot allocate a registered {} MiB region with UCX ({}); this connection moves its data in messages",
                            peer, mib, e.getMessage());
                }
            }
            try {
                conn = new RdmaConnection(t, c, peer, s, worker, req.workerAddress(), region, mem);
            } catch (UcxException e) {
                // UCX here cannot reach the client's worker (no transport in common, say UCX_TLS=tcp
                // there and shm here): tell the client why, so that it falls back saying so
                String why = "the server's UCX cannot reach this client's: " + e.getMessage() + " (server UCX settings "
                        + s.ucx() + " and UCX_* of its process)";
                LOG.warn("rdma {}: {}", peer, why);
                RdmaHandshake.writeFully(c, RdmaHandshake.Response.error(RdmaHandshake.UNREACHABLE, why).encode());
                throw new IOException(why, e);
            }
            int flags = device ? RdmaHandshake.DEVICE : 0;
            RdmaHandshake.Response ok = mem == null
                    ? RdmaHandshake.Response.ok(flags, s.maxFrameBytes(), 0, 0, new byte[0], bytes(worker.getAddress()))
                    : RdmaHandshake.Response.ok(flags | RdmaHandshake.RMA, s.maxFrameBytes(), region.address(), region.byteSize(),
                            bytes(mem.getRemoteKeyBuffer()), bytes(worker.getAddress()));
            RdmaHandshake.writeFully(c, ok.encode());
            LOG.debug("rdma {}: connected, {}", peer, mem == null ? "data in messages" : "RMA region of " + mib + " MiB");
            return conn;
        } catch (IOException | RuntimeException e) {
            LOG.warn("rdma: handshake with a client failed: {}", e.toString());
            if (conn != null) {
                conn.closed.set(true);
                conn.teardown();
                return null;
            }
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (mem != null) mem.deregister();
            if (worker != null) worker.close();
            return null;
        }
    }

    private static ByteBuffer direct(byte[] b) {
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** Where a direct buffer's memory starts, whatever its position. */
    private static long address(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct.duplicate().clear()).address();
    }

    SocketChannel rendezvous() { return rendezvous; }

    void start(ConnectionAcceptor acceptor) {
        handler = acceptor.accept(this);
        loopThread = Thread.ofPlatform().name("orion-rdma-" + peer.replace(' ', '-')).daemon().start(this::loop);
    }

    /** Tears down a connection that never started (its transport closed during the handshake). */
    void startClosed() {
        teardown();
    }

    private void loop() {
        Throwable cause = null;
        try {
            long idleSince = System.nanoTime();
            while (!closed.get()) {
                UcpTagMessage m = worker.tagProbeNonBlocking(RdmaHandshake.FRAME_TAG, -1L, true);
                if (m != null) {
                    handler.onFrame(receive(m));
                    idleSince = System.nanoTime();
                } else if (progress() > 0) {
                    idleSince = System.nanoTime();
                } else if (busyPoll || System.nanoTime() - idleSince < spinNanos) {
                    Thread.onSpinWait();
                } else {
                    worker.waitForEvents(); // until UCX has something, or close()/a sender signals
                    idleSince = System.nanoTime();
                }
            }
        } catch (ProtocolException e) {
            LOG.warn("rdma {}: {}; closing", peer, e.getMessage());
            cause = e;
        } catch (IOException e) {
            if (!closed.get()) cause = e;
        } catch (UcxException e) {
            cause = new IOException("UCX failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            LOG.error("rdma {}: the frame handler failed; closing the connection", peer, e);
            cause = e;
        } finally {
            close();
            if (cause == null && !closedByTransport) {
                if (endpointError != null) cause = new IOException(endpointError);
                else if (peerGone != null) cause = new EOFException(peerGone);
            }
            try {
                handler.onClosed(closedByTransport ? new TransportClosedException(RdmaTransport.NAME) : cause);
            } catch (RuntimeException e) {
                LOG.error("rdma {}: onClosed failed", peer, e);
            } finally {
                teardown(); // the handler has let go of the region (Connection.sharedRegion's contract)
            }
        }
    }

    /** Receives the probed message into the connection's buffer; the frame is valid until the next one. */
    private ByteBuffer receive(UcpTagMessage m) throws IOException {
        long n = m.getRecvLength();
        if (n > maxFrame) throw ProtocolException.framing("a frame of " + n + " bytes exceeds the limit of " + maxFrame);
        if (in.capacity() < n) in = ByteBuffer.allocateDirect((int) Math.min(maxFrame, Math.max(n, 2L * in.capacity())));
        UcpRequest r = worker.recvTaggedMessageNonBlocking(address(in), n, m, null);
        await(r, "receiving a frame");
        return in.duplicate().clear().limit((int) n).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One round of UCX progress (JUCX declares Exception: what a callback of ours might throw, which ours never do). */
    private int progress() throws IOException {
        try {
            return worker.progress();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("UCX progress failed: " + e.getMessage(), e);
        }
    }

    /** Progresses the worker until {@code r} completes; fails when it failed or the connection closed. */
    private void await(UcpRequest r, String what) throws IOException {
        while (!r.isCompleted()) {
            if (closed.get()) throw new EOFException("connection closed while " + what);
            progress();
        }
        if (r.getStatus() != UcsConstants.STATUS.UCS_OK) throw new IOException(what + " failed: UCX status " + r.getStatus());
    }

    @Override public String transport() { return RdmaTransport.NAME; }

    @Override public String peer() { return peer; }

    @Override
    public void send(ByteBuffer... parts) throws IOException {
        long n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        if (n > maxFrame) throw new IOException("a frame of " + n + " bytes exceeds the limit of " + maxFrame);
        sendLock.lock();
        try {
            if (closed.get()) throw new EOFException("connection closed");
            if (out.capacity() < n) out = ByteBuffer.allocateDirect((int) Math.min(maxFrame, Math.max(n, 2L * out.capacity())));
            out.clear();
            for (ByteBuffer p : parts) out.put(p.duplicate());
            await(ep.sendTaggedNonBlocking(address(out), n, RdmaHandshake.FRAME_TAG, null), "sending a frame");
        } catch (UcxException e) {
            throw new IOException("UCX failed to send: " + e.getMessage(), e);
        } finally {
            sendLock.unlock();
        }
        // this thread's progress may have taken in what the connection's thread sleeps for
        if (Thread.currentThread() != loopThread) wake();
    }

    @Override public Optional<MemorySegment> sharedRegion() { return Optional.ofNullable(region); }

    @Override public int maxFrameSize() { return maxFrame; }

    /** The endpoint failed (peer error handling: the client is unreachable or gone). Runs inside progress. */
    private void failed(int status, String message) {
        endpointError = "UCX reports the client unreachable: " + message + " (status " + status + ")";
        close();
    }

    /** The watchdog saw the rendezvous socket end. */
    void peerGone(String why) {
        peerGone = why;
        close();
    }

    void closeByTransport() {
        closedByTransport = true;
        close();
    }

    /** Marks the connection closed and wakes its thread, which then tears it down. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        wake();
        try {
            rendezvous.close();
        } catch (IOException e) {
            LOG.debug("rdma {}: closing the rendezvous socket: {}", peer, e.getMessage());
        }
    }

    private void wake() {
        synchronized (guard) {
            if (!workerGone) worker.signal();
        }
    }

    /** Frees the endpoint, the region with its registration, and the worker, in that order. */
    private void teardown() {
        synchronized (guard) {
            workerGone = true;
        }
        sendLock.lock(); // no sender is inside UCX any more (they see closed and leave)
        try {
            UcpRequest r = ep.closeNonBlockingForce();
            long deadline = System.nanoTime() + ENDPOINT_CLOSE_NANOS;
            while (r != null && !r.isCompleted() && System.nanoTime() < deadline) progress();
            if (registration != null) registration.deregister(); // frees the region too: UCX allocated it
            worker.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("rdma {}: releasing UCX resources: {}", peer, e.toString());
        } finally {
            sendLock.unlock();
        }
        try {
            rendezvous.close();
        } catch (IOException ignored) {
            // closed already, most likely
        }
        transport.forget(this);
        tornDown.countDown();
    }

    boolean awaitTeardown(Duration d) {
        try {
            return tornDown.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override public boolean isOpen() { return !closed.get(); }
}
