package io.orion.client.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.protocol.Codec;
import io.orion.protocol.Frame;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.MessageType;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;
import io.orion.protocol.shm.WaitPolicy;

/**
 * A session and its connection. Every call holds the session's lock, so frames go out one call at
 * a time and only one synchronous call waits for its reply. When the connection breaks, the
 * session reconnects (through its endpoints in turn), resumes, sends again what the server did not
 * handle, and the interrupted call carries on: the program does not notice.
 *
 * <p>Every frame fits the connection it goes out on. Connections differ in the largest frame they
 * carry (HELLO_OK's maxPayload: an shm connection's is a quarter of its smaller ring, TCP's and
 * rdma's are configured), so a request sent again after a resume may no longer fit: a COPY_HTOD is
 * then cut into copies of consecutive ranges that do ({@link #pieces}), and everything sent again is
 * numbered on from the last request the server handled ({@link ReplayLog#refit}).
 */
public final class ClientSession implements VgpuSession {
    /** java.util.logging's by default; the platform's log inside it (io.orion.logging bridges JUL). */
    private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());

    private final ClientOptions options;
    private final List<Endpoint> endpoints;
    private final Connector connector;
    /** How long close() waits for GOODBYE's acknowledgement. */
    private static final long GOODBYE_WAIT_NANOS = 2_000_000_000L;

    private final PayloadWriter writer = new PayloadWriter(4096);
    private final ReplayLog replay = new ReplayLog();
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private Channel channel;
    private int nextEndpoint;
    private long session;
    private int maxPayload;
    private long seq;
    private long lastReplySeq;
    private GpuException pending;
    private List<ClientDevice> devices = List.of();
    private int resumes;
    private boolean closed;

    /** Opens a channel to an endpoint. */
    @FunctionalInterface
    interface Connector {
        Channel connect(Endpoint e) throws IOException;
    }

    private ClientSession(ClientOptions options, UnaryOperator<Connector> wrap) {
        this.options = options;
        this.endpoints = options.endpoints().stream().map(Endpoint::parse).toList();
        this.connector = wrap.apply(this::connect);
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "localhost";
        }
        this.host = h;
    }

    /** Connects and opens a session (see {@link io.orion.client.OrionClient#open}). */
    public static VgpuSession open(ClientOptions options) {
        return open(options, UnaryOperator.identity());
    }

    /** As {@link #open(ClientOptions)}, with every channel made through {@code wrap} of the session's own connector (tests break connections with it). */
    static ClientSession open(ClientOptions options, UnaryOperator<Connector> wrap) {
        ClientSession s = new ClientSession(options, wrap);
        s.start();
        return s;
    }

    private synchronized void start() {
        IOException last = null;
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            Channel c;
            try {
                c = connector.connect(e);
            } catch (IOException ex) {
                last = ex;
                fallingBack(i, ex);
                continue;
            }
            Reply r;
            try {
                r = hello(c, new SessionCalls.Hello(Wire.MIN_VERSION, Wire.MAX_VERSION, false, 0, 0, pid, host,
                        options.clientName(), options.groupId(), options.vgpuIds(), options.autoCount(),
                        options.autoMemoryMiB(), options.autoRatio()));
            } catch (IOException ex) {
                c.close();
                last = ex;
                fallingBack(i, ex);
                continue;
            }
            if (!r.isOk()) {
                c.close();
                throw new GpuException(CudaError.of(r.status()), "the server at " + e + " refused the session: " + r.message());
            }
            SessionCalls.HelloOk ok = (SessionCalls.HelloOk) r.result();
            adopt(c, ok);
            nextEndpoint = i;
            List<ClientDevice> ds = new ArrayList<>();
            for (int d = 0; d < ok.deviceCount(); d++) ds.add(new ClientDevice(this, d));
            devices = List.copyOf(ds);
            return;
        }
        throw new GpuException(CudaError.NOT_INITIALIZED, "no Orion server answered at " + endpoints
                + (last == null ? "" : ": " + last.getMessage()));
    }

    /** A broken rdma path is worth a warning when the session goes on without it (docs/rdma.md §3). */
    private void fallingBack(int failed, IOException why) {
        Endpoint e = endpoints.get(failed);
        if (e.scheme().equals("rdma") && failed + 1 < endpoints.size())
            LOG.log(System.Logger.Level.WARNING, "RDMA to {0} does not work ({1}); falling back to {2}", e, why.getMessage(),
                    endpoints.get(failed + 1));
    }

    private Channel connect(Endpoint e) throws IOException {
        long spin = options.busyPoll() ? -1 : options.spinMicros() * 1000L;
        return switch (e.scheme()) {
            case "tcp" -> TcpChannel.connect(e, options.connectTimeout(), spin);
            case "rdma" -> rdma(e, spin);
            default -> ShmChannel.connect(e, options.shmRegionMiB(), new WaitPolicy(spin, 100_000_000L));
        };
    }

    /** rdma needs UCX's Java binding, which a framework leaves unwired where io.orion.ucx is missing (an optional import). */
    private Channel rdma(Endpoint e, long spin) throws IOException {
        try {
            return RdmaChannel.connect(e, options.shmRegionMiB(), options.connectTimeout(), spin);
        } catch (NoClassDefFoundError missing) {
            throw new IOException("rdma needs UCX's Java binding (bundle io.orion.ucx), which is not there: " + missing.getMessage());
        }
    }

    /** Sends a HELLO on a fresh channel and reads its reply. */
    private Reply hello(Channel c, SessionCalls.Hello h) throws IOException {
        c.send(Codec.encodeRequest(writer, h, 0, 0, h.resume() ? h.resumeSession() : 0));
        Frame f = Frame.parse(c.receive(), Wire.ABSOLUTE_MAX_PAYLOAD);
        return Codec.decodeReply(f.header(), f.payload());
    }

    private void adopt(Channel c, SessionCalls.HelloOk ok) {
        channel = c;
        session = ok.session();
        maxPayload = Math.min(ok.maxPayload(), c.maxFrame() - Wire.HEADER_SIZE);
    }

    // ---- calls ------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) throw new GpuException(CudaError.DEINITIALIZED, "the session is closed");
    }

    private void sendFrame(Request r, int flags, long s) throws IOException {
        // never refused: requests are cut to fit (pieces); a frame too large would break the connection over and over
        if (!sendIfFits(r, flags, s)) throw new IllegalStateException(r.type() + " of " + payloadBytes(r)
                + " payload bytes exceeds the connection's frame limit of " + maxPayload);
    }

    /**
     * Sends {@code r} as frame {@code s} when its payload fits a frame of the connection; false, with
     * nothing sent, when it does not (the caller cuts it: {@link #pieces}). One encoding serves both
     * the check and the frame: this is every call's path, so it must not encode twice.
     */
    private boolean sendIfFits(Request r, int flags, long s) throws IOException {
        ByteBuffer[] parts = encodeIfFits(r, flags, s);
        if (parts == null) return false;
        channel.send(parts);
        return true;
    }

    /** {@code r} encoded as frame {@code s} in the session's writer (valid until its next use), or null when its payload exceeds the connection's frames. */
    private ByteBuffer[] encodeIfFits(Request r, int flags, long s) {
        ByteBuffer tail = r.tail();
        if (tail != null && tail.remaining() > maxPayload) return null; // too large whatever its fields
        ByteBuffer[] parts = Codec.encodeRequest(writer, r, flags, s, session);
        long payload = -Wire.HEADER_SIZE;
        for (ByteBuffer p : parts) payload += p.remaining();
        return payload <= maxPayload ? parts : null;
    }

    /** Bytes of {@code r}'s payload: its fields, then its tail. */
    private int payloadBytes(Request r) {
        writer.reset(0);
        r.write(writer);
        int fields = writer.position();
        return r.tail() == null ? fields : fields + r.tail().remaining();
    }

    /**
     * {@code r} in frames this connection carries, in order: {@code r} itself when it fits; a
     * COPY_HTOD too large cut into copies of consecutive ranges on the same stream (each with its
     * own {@code dst}, as protocol.md §4.3 sends a large copy), which the server runs in order as
     * one; null for any other request too large (none that is queued is: their payloads are at most
     * a launch's 32 KiB of arguments, and every connection carries 64 KiB).
     */
    private List<Request> pieces(Request r) {
        int size = payloadBytes(r);
        if (size <= maxPayload) return List.of(r);
        if (!(r instanceof MemoryCalls.CopyHtoD c)) return null;
        int room = maxPayload - (size - c.data().remaining());
        int at = c.data().position(), n = c.data().remaining();
        List<Request> out = new ArrayList<>(n / room + 1);
        for (int off = 0; off < n; off += room)
            out.add(new MemoryCalls.CopyHtoD(c.device(), c.dst() + off, c.stream(), c.data().slice(at + off, Math.min(room, n - off))));
        return out;
    }

    /** A synchronous call: the reply (ok or not). A latched asynchronous error it carries is kept for the next synchronizing call. */
    synchronized Reply call(Request r) {
        return callWith(r, null);
    }

    /**
     * A synchronous call whose reply may come in several frames: {@code more} receives each frame
     * before the last (COPY_DTOH). Such a call is asked again after a reconnect, never resent from a cache.
     */
    synchronized Reply callWith(Request r, Consumer<Reply> more) {
        Reply reply = callFitted(r, more);
        if (reply == null) throw new GpuException(CudaError.INVALID_VALUE, r.type() + " of " + payloadBytes(r)
                + " bytes exceeds the connection's frame limit of " + maxPayload + " bytes");
        return reply;
    }

    /**
     * As {@link #call}, but null when {@code r} cannot be cut ({@link #pieces}) and does not fit in a
     * frame of the connection, before it was sent or after a resume moved the session to a
     * connection with smaller frames before the server handled it (a large MODULE_LOAD, which may
     * go through the region instead).
     */
    synchronized Reply callIfFits(Request r) {
        return callFitted(r, null);
    }

    /**
     * A synchronous request in frames that fit: the pieces before its last are queued, the last is
     * the call. When a resume moved the session to a connection with smaller frames before the
     * server handled that last piece, it is cut again; the queued ones are in the replay log, which
     * fits them itself.
     */
    private Reply callFitted(Request r, Consumer<Reply> more) {
        ensureOpen();
        while (true) {
            // the whole request as one frame: the common case, checked by the encoding that sends it
            Reply reply = exchange(r, null, more, RegionUse.NONE);
            if (reply != null) return reply;
            // it does not fit the connection's frames (maybe only since a resume moved the session): cut it
            List<Request> pieces = pieces(r);
            if (pieces == null) return null;
            for (int i = 0; i < pieces.size() - 1; i++) post(pieces.get(i), 0); // the caller's bytes: alive until the reply
            r = pieces.getLast(); // sent as the call, cut again if a resume while posting moved the session to smaller frames
        }
    }

    /**
     * A synchronous call that names bytes of the connection's region (COPY_HTOD_REGION,
     * COPY_DTOH_REGION). Null when a resume moved the session to another connection before the copy
     * was done: that connection has another region or none, so the request means nothing there; the
     * caller copies again along the new connection's way.
     */
    synchronized Reply callRegion(Request r) {
        ensureOpen();
        return exchange(null, s -> {
            sendFrame(r, 0, s);
            return true;
        }, null, r.type() == MessageType.COPY_DTOH_REGION ? RegionUse.WRITES : RegionUse.READS);
    }

    /**
     * A synchronous call whose payload is too large for a frame: the payload goes into the shared
     * region and the frame carries only where it lies (INDIRECT). Null when there is no region or no
     * room; a resume before the server read it puts it in the new connection's region, if it has one.
     */
    synchronized Reply callIndirect(Request r) {
        ensureOpen();
        ByteBuffer payload = Codec.encodePayload(new PayloadWriter(64), r);
        int length = payload.remaining();
        while (true) {
            RegionAllocator region = channel.allocator();
            MemorySegment piece = region == null ? null : region.alloc(length);
            if (piece == null) return null;
            try {
                MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, piece, 0, length);
                long offset = region.offset(piece);
                Reply reply = exchange(null, s -> {
                    channel.send(Codec.encodeIndirect(writer, r.type(), s, session, offset, length));
                    return true;
                }, null, RegionUse.READS);
                if (reply != null) return reply;
            } finally {
                region.release(piece); // to the allocator it came from, even after a resume
            }
        }
    }

    /** What a request does with bytes of the connection's region, which no other connection has. */
    private enum RegionUse {
        NONE,
        /** The server reads them (COPY_HTOD_REGION, INDIRECT): once it did, its reply stands. */
        READS,
        /** The device writes them (COPY_DTOH_REGION): after a move they may never reach this side (over rdma they lie in the old server region). */
        WRITES
    }

    /** Sends a request numbered {@code seq}; false, with nothing sent, when it does not fit a frame of the connection now. */
    @FunctionalInterface
    private interface Sender {
        boolean send(long seq) throws IOException;
    }

    /**
     * Sends a synchronous request ({@code r} as it is, or what {@code out} sends when {@code r} is
     * null) and waits for its reply, through breaks of the connection: after a resume the request
     * goes again when the server never saw it, device data is asked for again (the server keeps no
     * data reply), and otherwise the reply the server kept is read. A request
     * naming region bytes is never sent on another connection: it gives null instead, and one whose
     * bytes are written there gives null even when it was done, once the server's kept reply has been
     * read (that reply would be taken for the reply of a later request otherwise). A request that
     * does not fit the frames of the connection it is to go out on (the sender refuses it: maybe a
     * connection a resume moved to) gives null too, its number unused (the caller cuts it). One sent
     * again takes the number after those the resume sent again.
     */
    private Reply exchange(Request r, Sender out, Consumer<Reply> more, RegionUse region) {
        long before = seq, s = Seq.next(before);
        seq = s;
        boolean send = true, moved = false;
        while (true) {
            try {
                // a plain call (r) makes no sender per call; nothing sent (too large): its number goes to the next request
                if (send && !(r != null ? sendIfFits(r, 0, s) : out.send(s))) {
                    seq = before;
                    return null;
                }
                Reply reply = await(s, more);
                return moved && region == RegionUse.WRITES ? null : reply;
            } catch (IOException e) {
                long handled = recover(e);
                moved = region != RegionUse.NONE;
                if (Seq.after(s, handled)) { // the server never saw it
                    if (moved) return null;
                    before = seq;
                    s = Seq.next(before); // after what the resume sent again, which may have been cut into more requests
                    seq = s;
                    send = true;
                } else if (more != null) { // handled, but a data reply is not kept: ask again
                    before = seq;
                    s = Seq.next(before);
                    seq = s;
                    send = true;
                } else {
                    send = false; // handled: the server sends its kept reply after HELLO_OK
                }
            }
        }
    }

    /**
     * An asynchronous call: sent, logged for a resume, not answered. {@code held} counts bytes the log
     * keeps alive. A COPY_HTOD too large for a frame of the connection (sized for one a resume has
     * left) goes in pieces, each posted in turn as a request of its own.
     */
    synchronized void post(Request r, long held) {
        ensureOpen();
        if (replay.full()) flush(); // a round trip, which a resume may interrupt: what follows fits the connection after it
        long s = Seq.next(seq);
        // encoded once, for the size check and the frame (sent below, before anything else uses the writer)
        ByteBuffer[] frame = encodeIfFits(r, Wire.FLAG_ASYNC, s);
        if (frame == null) {
            List<Request> pieces = pieces(r);
            if (pieces == null) throw new GpuException(CudaError.INVALID_VALUE, r.type() + " of " + payloadBytes(r)
                    + " bytes exceeds the connection's frame limit of " + maxPayload + " bytes");
            for (Request p : pieces) post(p, held == 0 ? 0 : p.tail().remaining());
            return;
        }
        seq = s;
        replay.add(s, r, Wire.FLAG_ASYNC, held);
        try {
            channel.send(frame);
        } catch (IOException e) {
            recover(e); // resends it with the rest of the log
        }
    }

    /** Reads frames until the reply to {@code s}; error replies to anything else are protocol errors of this client. */
    private Reply await(long s, Consumer<Reply> more) throws IOException {
        return await(s, more, 0);
    }

    private Reply await(long s, Consumer<Reply> more, long deadlineNanos) throws IOException {
        while (true) {
            Frame f;
            Reply r;
            try {
                f = Frame.parse(channel.receive(deadlineNanos), Wire.ABSOLUTE_MAX_PAYLOAD);
                r = Codec.decodeReply(f.header(), f.payload());
            } catch (ProtocolException e) {
                throw new IOException("the server sent a bad frame: " + e.getMessage(), e);
            }
            long rs = f.header().seq();
            if (rs != s) {
                if (!r.isOk()) keep(new GpuException(CudaError.of(r.status()), "request " + rs + " was refused: " + r.message()));
                continue;
            }
            if (r.deferredStatus() != 0)
                keep(new GpuException(CudaError.of(r.deferredStatus()), r.deferredMessage() + " (asynchronous call " + r.deferredSeq() + ")"));
            if (f.header().has(Wire.FLAG_MORE)) {
                if (more == null) throw new IOException("an unexpected multi-frame reply to " + f.typeName());
                more.accept(r);
                continue;
            }
            replay.ackThrough(s);
            lastReplySeq = s;
            return r;
        }
    }

    private void keep(GpuException e) {
        if (pending == null) pending = e;
    }

    /** The first asynchronous error since the last synchronizing call, thrown once. */
    synchronized void throwPending() {
        GpuException p = pending;
        pending = null;
        if (p != null) throw p;
    }

    /** Throws a CUDA error for a failed reply. */
    static Reply ok(Reply r) {
        if (!r.isOk()) throw new GpuException(CudaError.of(r.status()), r.message());
        return r;
    }

    /** A round trip: its reply acknowledges everything the log holds, which empties it. */
    private void flush() {
        ok(callWith(new SessionCalls.Ping(ByteBuffer.allocate(0)), null));
    }

    // ---- resume -----------------------------------------------------------------------------------

    /** Reconnects, resumes and resends what the server did not handle; returns the last seq it handled. */
    private long recover(IOException cause) {
        String was = channel == null ? "" : channel.name();
        Endpoint from = endpoints.get(nextEndpoint);
        if (channel != null) channel.close();
        if (options.resumeWindow().isZero()) {
            closed = true;
            throw new GpuException(CudaError.UNKNOWN, "lost the connection to the server: " + cause.getMessage());
        }
        long deadline = System.nanoTime() + options.resumeWindow().toNanos();
        long backoff = 10;
        IOException last = cause;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < endpoints.size(); i++) {
                Endpoint e = endpoints.get((nextEndpoint + i) % endpoints.size());
                Channel c = null;
                try {
                    c = connector.connect(e);
                    Reply r = hello(c, new SessionCalls.Hello(Wire.MIN_VERSION, Wire.MAX_VERSION, true, session, lastReplySeq,
                            pid, host, options.clientName(), options.groupId(), options.vgpuIds(), options.autoCount(),
                            options.autoMemoryMiB(), options.autoRatio()));
                    if (!r.isOk()) {
                        c.close();
                        closed = true;
                        throw new GpuException(CudaError.of(r.status()), "the session could not be resumed: " + r.message());
                    }
                    adopt(c, (SessionCalls.HelloOk) r.result());
                    long handled = ((SessionCalls.HelloOk) r.result()).lastHandledSeq();
                    replay.ackThrough(handled);
                    // in frames this connection carries, numbered on from what the server handled: the
                    // next request takes the number after the last one sent again
                    List<ReplayLog.Entry> again = replay.refit(handled, this::piecesOfQueued);
                    seq = again.isEmpty() ? handled : again.getLast().seq();
                    for (ReplayLog.Entry en : again) sendFrame(en.request(), en.flags(), en.seq());
                    nextEndpoint = (nextEndpoint + i) % endpoints.size();
                    resumes++;
                    if (was.equals("rdma") && !c.name().equals("rdma"))
                        LOG.log(System.Logger.Level.WARNING, "session {0}: moved off rdma: the connection to {1} broke ({2}); resumed over {3}",
                                Long.toString(session), from, cause.getMessage(), e);
                    else LOG.log(System.Logger.Level.INFO, "session {0}: resumed over {1} after {2}", Long.toString(session), e, cause.getMessage());
                    return handled;
                } catch (IOException ex) {
                    last = ex;
                    if (c != null) c.close();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(200, backoff * 2);
        }
        closed = true;
        throw new GpuException(CudaError.UNKNOWN, "lost the connection to the server and could not resume within "
                + options.resumeWindow().toMillis() + " ms: " + last.getMessage());
    }

    /** {@link #pieces} of a queued request, which are never too large to cut (see there). */
    private List<Request> piecesOfQueued(Request r) {
        List<Request> p = pieces(r);
        if (p == null) throw new IllegalStateException("a queued " + r.type() + " of " + payloadBytes(r)
                + " bytes does not fit in a frame of " + maxPayload + " bytes and cannot be cut");
        return p;
    }

    // ---- what the devices need --------------------------------------------------------------------

    synchronized int maxPayload() { return maxPayload; }

    synchronized Channel channel() { return channel; }

    ClientOptions options() { return options; }

    // ---- VgpuSession ------------------------------------------------------------------------------

    @Override public synchronized long id() { return session; }

    @Override public synchronized String transport() { return channel.name(); }

    @Override public int deviceCount() { return devices.size(); }

    @Override public Vgpu device(int index) {
        if (index < 0 || index >= devices.size())
            throw new GpuException(CudaError.INVALID_DEVICE, "device " + index + " does not exist; the session has " + devices.size());
        return devices.get(index);
    }

    @Override
    public synchronized HostBuffer allocHost(long bytes) {
        RegionAllocator a = channel.allocator();
        MemorySegment piece = a == null ? null : a.alloc(bytes);
        if (piece != null) return new Buffers.Shared(a, piece);
        return new Buffers.Private(Arena.ofShared(), bytes);
    }

    @Override public void ping() { ok(call(new SessionCalls.Ping(ByteBuffer.allocate(8)))); }

    @Override public synchronized int resumes() { return resumes; }

    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            long s = Seq.next(seq);
            seq = s;
            sendFrame(new SessionCalls.Goodbye(), 0, s);
            await(s, null, System.nanoTime() + GOODBYE_WAIT_NANOS); // a server that does not answer frees us after its grace
        } catch (IOException | RuntimeException e) {
            // the server frees the session when its grace period ends
        } finally {
            closed = true;
            channel.close();
        }
    }
}
