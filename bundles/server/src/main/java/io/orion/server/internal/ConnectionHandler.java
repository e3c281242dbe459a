package io.orion.server.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.transport.Connection;
import io.orion.api.transport.FrameHandler;
import io.orion.protocol.Codec;
import io.orion.protocol.DeviceRequest;
import io.orion.protocol.Frame;
import io.orion.protocol.FrameHeader;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.MessageType;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.Result;
import io.orion.protocol.Results;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of one connection: reads its frames, opens or resumes its session with the first
 * one, then runs every request on the session and answers the synchronous ones. Frames come from
 * one transport thread at a time, in order.
 *
 * <p>What comes back: a frame that breaks the framing closes the connection; a frame that is
 * delimited but malformed is answered with an error, even when it was sent asynchronously; a
 * well-formed asynchronous request that fails latches its error on the session, which the next
 * reply reports.
 */
final class ConnectionHandler implements FrameHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final RemotingServer server;
    private final Connection connection;
    private final PayloadWriter writer = new PayloadWriter(4096);
    private volatile Session session;
    private volatile int maxPayload = Wire.HELLO_MAX_PAYLOAD;

    ConnectionHandler(RemotingServer server, Connection connection) {
        this.server = server;
        this.connection = connection;
    }

    String transport() { return connection.transport(); }

    String peer() { return connection.peer(); }

    Connection connection() { return connection; }

    /** Bytes of payload one frame to this client may carry. */
    int maxPayload() { return maxPayload; }

    @Override
    public void onFrame(ByteBuffer buf) {
        Frame frame;
        try {
            frame = Frame.parse(buf, maxPayload);
        } catch (ProtocolException e) {
            LOG.debug("{} from {}: closing the connection: {}", connection.transport(), connection.peer(), e.getMessage());
            connection.close();
            return;
        }
        FrameHeader h = frame.header();
        Session s = session;
        if (s == null) {
            if (h.type() == MessageType.HELLO.code() && !h.isReply()) hello(frame);
            else sendError(h, 0, CudaError.NOT_INITIALIZED.code(), "the session is not open: send HELLO first");
            return;
        }
        if (h.session() != s.id) {
            sendError(h, s.id, CudaError.INVALID_CONTEXT.code(),
                    String.format("frame for session %016x on the connection of session %s", h.session(), s.idHex()));
            return;
        }
        s.lock.lock();
        try {
            if (s.closed() || s.connection() != this) {
                sendError(h, s.id, CudaError.INVALID_CONTEXT.code(), s + " has ended on this connection");
                connection.close();
                return;
            }
            handle(s, frame);
        } finally {
            s.lock.unlock();
        }
    }

    /** Runs one frame of an open session (under its lock). */
    private void handle(Session s, Frame frame) {
        FrameHeader h = frame.header();
        s.handled(h.seq());
        Request req;
        try {
            ByteBuffer payload = frame.payload();
            if (h.has(Wire.FLAG_INDIRECT)) payload = indirect(s, payload);
            req = Codec.decodeRequest(h, payload);
        } catch (ProtocolException e) {
            sendError(h, s.id, e.status(), e.getMessage());
            return;
        } catch (GpuException e) {
            sendError(h, s.id, e.code(), e.getMessage());
            return;
        }
        boolean async = h.has(Wire.FLAG_ASYNC);
        Result result;
        try {
            result = switch (req) {
                case DeviceRequest r -> server.dispatcher().handle(s, r, chunkBytes(), chunk -> more(s, h, chunk));
                case SessionCalls.Ping p -> new SessionCalls.Pong(p.data());
                case SessionCalls.Goodbye g -> Results.Empty.INSTANCE;
                case SessionCalls.Hello hello -> throw new GpuException(CudaError.INVALID_CONTEXT, s + " is already open on this connection");
            };
        } catch (GpuException e) {
            if (async) s.latch(e.code(), h.seq(), e.getMessage());
            else reply(s, h, Reply.error(e.code(), Codec.truncate(e.getMessage())));
            if (e.code() != CudaError.NOT_READY.code()) LOG.debug("{}: {} seq {} failed: {}", s, req.type(), h.seq(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A backend fault that is not a CUDA error: report it as CUDA_ERROR_UNKNOWN, never let it kill the connection.
            LOG.warn("{}: {} seq {} failed unexpectedly", s, req.type(), h.seq(), e);
            String msg = "server error in " + req.type() + ": " + e;
            if (async) s.latch(CudaError.UNKNOWN.code(), h.seq(), msg);
            else reply(s, h, Reply.error(CudaError.UNKNOWN.code(), Codec.truncate(msg)));
            return;
        }
        if (req instanceof SessionCalls.Goodbye) {
            // free first, then answer: the acknowledgement means everything is freed
            server.closeSession(s, "the client said goodbye", false);
            reply(s, h, Reply.ok(result));
            connection.close();
            return;
        }
        if (!async) reply(s, h, Reply.ok(result));
    }

    private int chunkBytes() {
        return Math.min(server.settings().chunkBytes(), maxPayload - 64);
    }

    private ByteBuffer indirect(Session s, ByteBuffer payload) {
        Codec.Indirect ref = Codec.Indirect.read(payload);
        int limit = server.settings().maxPayload(); // not the frame limit: getting past it is what INDIRECT is for
        if (ref.length() > limit)
            throw ProtocolException.content("INDIRECT payload of " + ref.length() + " bytes exceeds the limit of " + limit);
        MemorySegment region = s.device(0).region(ref.offset(), ref.length());
        return region.asByteBuffer().order(Wire.ORDER);
    }

    // ---- replies ----------------------------------------------------------------------------------

    /** A synchronous reply, with the session's latched error if there is one; kept for a resume. */
    private void reply(Session s, FrameHeader h, Reply r) {
        if (s.deferredStatus() != 0) {
            r = r.withDeferred(s.deferredStatus(), s.deferredSeq(), Codec.truncate(s.deferredMessage()));
            s.clearDeferred();
        }
        MessageType type = MessageType.of(h.type());
        ByteBuffer[] parts = Codec.encodeReply(writer, type, h.seq(), s.id, r, false);
        if (type == MessageType.COPY_DTOH) s.dropCachedReply(); // device data is asked for again instead
        else s.cacheReply(h.seq(), parts);
        send(parts);
    }

    private void more(Session s, FrameHeader h, MemoryCalls.DataChunk chunk) {
        send(Codec.encodeReply(writer, MessageType.COPY_DTOH, h.seq(), s.id, Reply.ok(chunk), true));
    }

    private void sendError(FrameHeader h, long sessionId, int status, String message) {
        send(Codec.encodeErrorReply(writer, h.type(), h.seq(), sessionId, status, message));
    }

    void send(ByteBuffer... parts) {
        try {
            connection.send(parts);
        } catch (IOException e) {
            LOG.debug("{} to {}: send failed, closing: {}", connection.transport(), connection.peer(), e.getMessage());
            connection.close();
        }
    }

    // ---- session ----------------------------------------------------------------------------------

    private void hello(Frame frame) {
        FrameHeader h = frame.header();
        SessionCalls.Hello hello;
        try {
            Request r = Codec.decodeRequest(h, frame.payload());
            hello = (SessionCalls.Hello) r;
        } catch (ProtocolException e) {
            sendError(h, 0, e.status(), e.getMessage());
            return;
        }
        if (hello.minVersion() > Wire.MAX_VERSION || hello.maxVersion() < Wire.MIN_VERSION) {
            sendError(h, 0, CudaError.NOT_SUPPORTED.code(), "the client speaks protocol " + hello.minVersion() + ".."
                    + hello.maxVersion() + ", this server " + Wire.MIN_VERSION + ".." + Wire.MAX_VERSION);
            return;
        }
        try {
            if (hello.resume()) server.resume(this, hello, h);
            else server.open(this, hello, h);
        } catch (GpuException e) {
            sendError(h, 0, e.code(), e.getMessage());
        }
    }

    /** Binds the connection to a session and answers its HELLO (the server calls it under the session's lock). */
    void bind(Session s, FrameHeader h, boolean resumed, long lastReplySeq) {
        maxPayload = Math.min(server.settings().maxPayload(), connection.maxFrameSize() - Wire.HEADER_SIZE);
        session = s;
        connection.sharedRegion().ifPresent(region -> s.devices().forEach(d -> d.attachRegion(region)));
        Reply ok = Reply.ok(new SessionCalls.HelloOk(Wire.VERSION_1, resumed, s.id, resumed ? s.lastHandledSeq() : 0,
                maxPayload, s.devices().size(), server.settings().serverName()));
        send(Codec.encodeReply(writer, MessageType.HELLO, h.seq(), s.id, ok, false));
        if (resumed) {
            ByteBuffer cached = s.cachedReplyAfter(lastReplySeq);
            if (cached != null) send(cached);
        }
    }

    /** Lets go of the session's devices' view of this connection's shared region (under the session's lock). */
    void unbind(Session s) {
        if (connection.sharedRegion().isPresent()) s.devices().forEach(SessionDevice::detachRegion);
    }

    @Override
    public void onClosed(Throwable cause) {
        Session s = session;
        if (s == null) return;
        s.lock.lock();
        try {
            if (s.connection() == this) {
                unbind(s);
                if (s.closed()) s.detach(0);
                else server.detached(s, cause);
            }
        } finally {
            s.lock.unlock();
        }
    }
}
