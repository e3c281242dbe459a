package io.orion.client.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.protocol.rdma.RdmaHandshake;
import io.orion.ucx.Ucx;
import io.orion.ucx.UcxConfig;

import org.openucx.jucx.UcxException;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpEndpoint;
import org.openucx.jucx.ucp.UcpEndpointParams;
import org.openucx.jucx.ucp.UcpMemMapParams;
import org.openucx.jucx.ucp.UcpMemory;
import org.openucx.jucx.ucp.UcpRemoteKey;
import org.openucx.jucx.ucp.UcpRequest;
import org.openucx.jucx.ucp.UcpTagMessage;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;
import org.openucx.jucx.ucs.UcsConstants;

/**
 * An rdma connection to a server (docs/rdma.md): the rendezvous over TCP, then frames as UCX
 * tagged messages. With RMA, the client keeps a local copy of the server's payload region: host
 * buffers and staging live there as over shared memory, and {@link RegionSync} puts and gets the
 * bytes the server's device reads and writes, by one-sided RDMA. Without RMA (the server's choice)
 * every byte travels in messages, as over TCP.
 *
 * <p>UCX settings of the client's context come from the {@value UcxConfig#CLIENT_PROPERTY} system
 * property, UCX itself from {@value Ucx#LIBRARY_PATH_PROPERTY} or the system.
 */
final class RdmaChannel implements Channel {
    private static final long LIVENESS_NANOS = 10_000_000L;

    private final SocketChannel socket;
    private final UcpContext context;
    private final UcpWorker worker;
    private final UcpEndpoint ep;
    private final RdmaHandshake.Response server;
    private final UcpRemoteKey rkey;
    private final UcpMemory localRegistration;
    private final RegionAllocator allocator;
    private final RegionSync sync = new RegionSync();
    private final long spinNanos;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private ByteBuffer in = ByteBuffer.allocateDirect(64 << 10);
    private ByteBuffer out = ByteBuffer.allocateDirect(64 << 10);
    private volatile String failure;
    private boolean closed;

    private RdmaChannel(SocketChannel socket, UcpContext context, UcpWorker worker, RdmaHandshake.Response server, long spinNanos) {
        this.socket = socket;
        this.context = context;
        this.worker = worker;
        this.server = server;
        this.spinNanos = spinNanos;
        this.ep = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(direct(server.workerAddress())).setPeerErrorHandlingMode()
                .setErrorHandler((e, status, message) -> failure = "UCX reports the server unreachable: " + message));
        if (server.rma()) {
            rkey = ep.unpackRemoteKey(direct(server.remoteKey()));
            Arena arena = Arena.ofShared();
            MemorySegment local = arena.allocate(server.regionSize(), 4096);
            localRegistration = context.memoryMap(new UcpMemMapParams().setAddress(local.address()).setLength(local.byteSize()));
            allocator = new RegionAllocator(local, arena);
        } else {
            rkey = null;
            localRegistration = null;
            allocator = null;
        }
    }

    /**
     * Connects to {@code rdma://host:port}.
     *
     * @throws IOException when UCX is missing (saying how to get it), the server cannot be reached or
     *         the handshake fails
     */
    static RdmaChannel connect(Endpoint e, int regionMiB, Duration timeout, long spinNanos) throws IOException {
        Optional<String> noUcx = Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY));
        if (noUcx.isPresent()) throw new IOException(noUcx.get());
        UcpContext ctx = null;
        UcpWorker w = null;
        SocketChannel s = SocketChannel.open();
        try {
            ctx = new UcpContext(UcxConfig.parseList(System.getProperty(UcxConfig.CLIENT_PROPERTY)).contextParams());
            w = ctx.newWorker(new UcpWorkerParams().requestThreadSafety());
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.socket().connect(new InetSocketAddress(e.host(), e.port()), (int) Math.max(1, timeout.toMillis()));
            s.socket().setSoTimeout((int) Math.max(1, timeout.toMillis()));
            RdmaHandshake.writeFully(s, new RdmaHandshake.Request(ProcessHandle.current().pid(), regionMiB, RdmaHandshake.WANT_RMA,
                    bytes(w.getAddress())).encode());
            RdmaHandshake.Response r = RdmaHandshake.Response.read(Channels.newChannel(s.socket().getInputStream()));
            if (r.status() != 0) throw new GpuException(CudaError.of(r.status()), "the rdma server refused: " + r.text());
            s.configureBlocking(false);
            return new RdmaChannel(s, ctx, w, r, spinNanos);
        } catch (IOException | RuntimeException ex) {
            s.close();
            if (w != null) w.close();
            if (ctx != null) ctx.close();
            if (ex instanceof UcxException u) throw new IOException("UCX failed: " + u.getMessage(), u);
            throw ex;
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

    private static long address(ByteBuffer direct) {
        return MemorySegment.ofBuffer(direct.duplicate().clear()).address();
    }

    @Override public String name() { return "rdma"; }

    /** Whether bulk data goes by one-sided RDMA on this connection (the server offered a region). */
    boolean rma() { return allocator != null; }

    @Override
    public void send(ByteBuffer... parts) throws IOException {
        if (closed) throw new EOFException("connection closed");
        if (allocator != null) for (RegionSync.Range r : sync.beforeSend(parts)) put(r);
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        if (out.capacity() < n) out = ByteBuffer.allocateDirect(Math.max(n, 2 * out.capacity()));
        out.clear();
        for (ByteBuffer p : parts) out.put(p.duplicate());
        await(ep.sendTaggedNonBlocking(address(out), n, RdmaHandshake.FRAME_TAG, null), "sending a frame", 0);
    }

    @Override
    public ByteBuffer receive(long deadlineNanos) throws IOException {
        if (closed) throw new EOFException("connection closed");
        long start = System.nanoTime(), checked = start;
        UcpTagMessage m;
        while ((m = worker.tagProbeNonBlocking(RdmaHandshake.FRAME_TAG, -1L, true)) == null) {
            if (progress() > 0) continue;
            long now = System.nanoTime();
            if (now - checked > LIVENESS_NANOS) {
                checkAlive();
                checked = now;
            }
            if (deadlineNanos != 0 && now - deadlineNanos > 0) throw new SocketTimeoutException("no reply within the deadline");
            if (spinNanos < 0 || now - start < spinNanos) Thread.onSpinWait();
            else LockSupport.parkNanos(50_000);
        }
        long n = m.getRecvLength();
        if (n > server.maxFrame()) throw new IOException("the server sent a frame of " + n + " bytes, over its own limit of " + server.maxFrame());
        if (in.capacity() < n) in = ByteBuffer.allocateDirect((int) Math.max(n, 2L * in.capacity()));
        await(worker.recvTaggedMessageNonBlocking(address(in), n, m, null), "receiving a frame", deadlineNanos);
        ByteBuffer frame = in.duplicate().clear().limit((int) n).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (allocator != null) for (RegionSync.Range r : sync.afterReceive(frame)) get(r);
        return frame;
    }

    /** Writes a range of the local copy into the server's region; remotely complete on return. */
    private void put(RegionSync.Range r) throws IOException {
        checkRange(r);
        if (r.length() == 0) return;
        MemorySegment local = allocator.region();
        await(ep.putNonBlocking(local.address() + r.offset(), r.length(), server.regionAddress() + r.offset(), rkey, null), "an RDMA write", 0);
        // ordered before the frame that names these bytes: UCX does not order RMA against messages
        await(ep.flushNonBlocking(null), "flushing an RDMA write", 0);
    }

    /** Reads a range of the server's region into the local copy. */
    private void get(RegionSync.Range r) throws IOException {
        checkRange(r);
        if (r.length() == 0) return;
        MemorySegment local = allocator.region();
        await(ep.getNonBlocking(server.regionAddress() + r.offset(), rkey, local.address() + r.offset(), r.length(), null), "an RDMA read", 0);
    }

    private void checkRange(RegionSync.Range r) throws IOException {
        if (r.offset() < 0 || r.length() < 0 || r.length() > server.regionSize() - r.offset())
            throw new IOException("region bytes [" + r.offset() + ", +" + r.length() + ") lie outside the " + server.regionSize() + "-byte region");
    }

    private void await(UcpRequest r, String what, long deadlineNanos) throws IOException {
        long checked = System.nanoTime();
        while (!r.isCompleted()) {
            if (progress() > 0) continue;
            long now = System.nanoTime();
            if (now - checked > LIVENESS_NANOS) {
                checkAlive();
                checked = now;
            }
            if (deadlineNanos != 0 && now - deadlineNanos > 0) throw new SocketTimeoutException(what + " did not finish within the deadline");
        }
        if (r.getStatus() != UcsConstants.STATUS.UCS_OK) throw new IOException(what + " failed: UCX status " + r.getStatus());
    }

    private int progress() throws IOException {
        try {
            return worker.progress();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("UCX progress failed: " + e.getMessage(), e);
        }
    }

    /** The server is gone when UCX says so or the rendezvous socket ended. */
    private void checkAlive() throws IOException {
        if (failure != null) throw new IOException(failure);
        probe.clear();
        if (socket.read(probe) < 0) throw new EOFException("the server closed the connection (rendezvous socket ended)");
    }

    @Override public int maxFrame() { return server.maxFrame(); }

    @Override public MemorySegment region() { return allocator == null ? null : allocator.region(); }

    @Override public RegionAllocator allocator() { return allocator; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // going away anyway
        }
        try {
            if (rkey != null) rkey.close();
            if (localRegistration != null) localRegistration.deregister();
            UcpRequest r = ep.closeNonBlockingForce();
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (r != null && !r.isCompleted() && System.nanoTime() < deadline) progress();
        } catch (IOException | RuntimeException e) {
            // the server may be gone: what matters is that nothing of UCX's outlives the context
        }
        worker.close();
        context.close();
        if (allocator != null) allocator.retire(); // host buffers in the local copy stay valid until released
    }
}
