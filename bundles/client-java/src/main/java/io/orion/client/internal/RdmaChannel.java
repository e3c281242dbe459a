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
 *
 * <p>A rendezvous that worked proves only that the server's TCP port answers, not that UCX can move
 * data there, so connecting checks UCX's own path within the connect timeout (a flush, and with a
 * region a one-sided read of it), the first reply must come within that time too, and every UCX
 * request has a deadline ({@value #WAIT_PROPERTY}, 60 s by default, plus 10 ns per byte): a broken
 * path is an {@link IOException} (the session falls back or resumes), never a hang.
 */
final class RdmaChannel implements Channel {
    /** System property: the least time in ms a UCX request is given before the path counts as broken. */
    static final String WAIT_PROPERTY = "orion.rdma.waitMillis";
    private static final long LIVENESS_NANOS = 10_000_000L;
    private static final long NANOS_PER_BYTE = 10; // the slowest rate a request's bytes are allowed: 100 MB/s

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
    private final long timeoutNanos;
    private final long waitNanos;
    private volatile String failure;
    private boolean gotFrame;
    private boolean closed;

    private RdmaChannel(SocketChannel socket, UcpContext context, UcpWorker worker, RdmaHandshake.Response server, long spinNanos,
                        Duration timeout, long waitMillis) throws IOException {
        this.socket = socket;
        this.context = context;
        this.worker = worker;
        this.server = server;
        this.spinNanos = spinNanos;
        this.timeoutNanos = Math.max(1, timeout.toNanos());
        this.waitNanos = waitMillis * 1_000_000L;
        try {
            this.ep = worker.newEndpoint(new UcpEndpointParams().setUcpAddress(direct(server.workerAddress())).setPeerErrorHandlingMode()
                    .setErrorHandler((e, status, message) -> failure = "UCX reports the server unreachable: " + message));
        } catch (UcxException e) {
            throw new IOException("the rendezvous worked, but UCX cannot reach the server: its endpoint failed: " + e.getMessage(), e);
        }
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
        long waitMillis = waitMillis(System.getProperty(WAIT_PROPERTY));
        UcpContext ctx = null;
        UcpWorker w = null;
        RdmaChannel c = null;
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
            // the server's UCX cannot reach ours: a broken path like any other, for the session to fall back from
            if (r.status() == RdmaHandshake.UNREACHABLE) throw new IOException("the rdma server refused (" + r.status() + "): " + r.text());
            if (r.status() != 0) throw new GpuException(CudaError.of(r.status()), "the rdma server refused: " + r.text());
            s.configureBlocking(false);
            c = new RdmaChannel(s, ctx, w, r, spinNanos, timeout, waitMillis);
            c.checkPath();
            return c;
        } catch (IOException | RuntimeException ex) {
            if (c != null) c.close(); // closes the socket, worker and context too
            else {
                s.close();
                if (w != null) w.close();
                if (ctx != null) ctx.close();
            }
            if (ex instanceof UcxException u) throw new IOException("UCX failed: " + u.getMessage(), u);
            throw ex;
        }
    }

    /** {@value #WAIT_PROPERTY}'s value: whole milliseconds from 100 to 3600000; 60 s when unset. */
    static long waitMillis(String setting) {
        if (setting == null || setting.isBlank()) return 60_000;
        try {
            long v = Long.parseLong(setting.strip());
            if (v >= 100 && v <= 3_600_000) return v;
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new IllegalArgumentException(WAIT_PROPERTY + "='" + setting + "' is not a whole number of milliseconds from 100 to 3600000");
    }

    /**
     * Proves UCX's path to the server within the connect timeout: a flush, which completes once UCX
     * has connected its lanes (over TCP, InfiniBand or RoCE that needs the server's side), and with
     * a region a one-sided read of its first bytes, as copies use it (the local copy is fresh, so
     * reading into it changes nothing).
     */
    private void checkPath() throws IOException {
        long by = System.nanoTime() + timeoutNanos;
        try {
            await(ep.flushNonBlocking(null), "connecting UCX's lanes", by);
            if (allocator != null && server.regionSize() >= 8)
                await(ep.getNonBlocking(server.regionAddress(), rkey, allocator.region().address(), 8, null), "a first RDMA read", by);
        } catch (IOException | UcxException ex) {
            throw new IOException("the rendezvous worked, but UCX cannot reach the server: " + ex.getMessage(), ex);
        }
    }

    /** When a request of {@code bytes} begun now must be done by. */
    private long requestDeadline(long bytes) {
        return System.nanoTime() + waitNanos + Math.min(bytes, Long.MAX_VALUE / (4 * NANOS_PER_BYTE)) * NANOS_PER_BYTE;
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
        if (failure != null) throw new IOException(failure);
        if (allocator != null) for (RegionSync.Range r : sync.beforeSend(parts)) put(r);
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        if (out.capacity() < n) out = ByteBuffer.allocateDirect(Math.max(n, 2 * out.capacity()));
        out.clear();
        for (ByteBuffer p : parts) out.put(p.duplicate());
        await(ep.sendTaggedNonBlocking(address(out), n, RdmaHandshake.FRAME_TAG, null), "sending a frame", requestDeadline(n));
    }

    @Override
    public ByteBuffer receive(long deadlineNanos) throws IOException {
        if (closed) throw new EOFException("connection closed");
        if (failure != null) throw new IOException(failure);
        long start = System.nanoTime(), checked = start;
        // a reply may take as long as the server's work on the call (liveness is watched then), but
        // the first, HELLO's, proves the path: it has the connect timeout
        long firstBy = start + timeoutNanos;
        UcpTagMessage m;
        while ((m = worker.tagProbeNonBlocking(RdmaHandshake.FRAME_TAG, -1L, true)) == null) {
            if (progress() > 0) continue;
            long now = System.nanoTime();
            if (now - checked > LIVENESS_NANOS) {
                checkAlive();
                checked = now;
            }
            if (deadlineNanos != 0 && now - deadlineNanos > 0) throw new SocketTimeoutException("no reply within the deadline");
            if (!gotFrame && now - firstBy > 0) {
                failure = "no reply from the server over UCX within " + timeoutNanos / 1_000_000
                        + " ms: the rendezvous worked, but UCX's path to the server carries nothing";
                throw new SocketTimeoutException(failure);
            }
            if (spinNanos < 0 || now - start < spinNanos) Thread.onSpinWait();
            else LockSupport.parkNanos(50_000);
        }
        long n = m.getRecvLength();
        if (n > server.maxFrame()) throw new IOException("the server sent a frame of " + n + " bytes, over its own limit of " + server.maxFrame());
        if (in.capacity() < n) in = ByteBuffer.allocateDirect((int) Math.max(n, 2L * in.capacity()));
        await(worker.recvTaggedMessageNonBlocking(address(in), n, m, null), "receiving a frame", requestDeadline(n));
        gotFrame = true;
        ByteBuffer frame = in.duplicate().clear().limit((int) n).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (allocator != null) for (RegionSync.Range r : sync.afterReceive(frame)) get(r);
        return frame;
    }

    /** Writes a range of the local copy into the server's region; remotely complete on return. */
    private void put(RegionSync.Range r) throws IOException {
        checkRange(r);
        if (r.length() == 0) return;
        MemorySegment local = allocator.region();
        await(ep.putNonBlocking(local.address() + r.offset(), r.length(), server.regionAddress() + r.offset(), rkey, null), "an RDMA write",
                requestDeadline(r.length()));
        // ordered before the frame that names these bytes: UCX does not order RMA against messages
        await(ep.flushNonBlocking(null), "flushing an RDMA write", requestDeadline(0));
    }

    /** Reads a range of the server's region into the local copy. */
    private void get(RegionSync.Range r) throws IOException {
        checkRange(r);
        if (r.length() == 0) return;
        MemorySegment local = allocator.region();
        await(ep.getNonBlocking(server.regionAddress() + r.offset(), rkey, local.address() + r.offset(), r.length(), null), "an RDMA read",
                requestDeadline(r.length()));
    }

    private void checkRange(RegionSync.Range r) throws IOException {
        if (r.offset() < 0 || r.length() < 0 || r.length() > server.regionSize() - r.offset())
            throw new IOException("region bytes [" + r.offset() + ", +" + r.length() + ") lie outside the " + server.regionSize() + "-byte region");
    }

    /**
     * Progresses until {@code r} completes, at most until {@code deadlineNanos}. A request that runs
     * out of time breaks the channel for good: its bytes may still be in flight (closing cancels them).
     */
    private void await(UcpRequest r, String what, long deadlineNanos) throws IOException {
        long start = System.nanoTime(), checked = start;
        while (!r.isCompleted()) {
            if (progress() > 0) continue;
            long now = System.nanoTime();
            if (now - checked > LIVENESS_NANOS) {
                checkAlive();
                checked = now;
            }
            if (now - deadlineNanos > 0) {
                failure = what + " did not complete within " + Math.round((deadlineNanos - start) / 1e6) + " ms over UCX: the path to the server is broken";
                throw new SocketTimeoutException(failure);
            }
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
