package io.orion.protocol;

import java.nio.ByteBuffer;

/**
 * Reads and writes the messages of docs/protocol.md. Reading checks every rule a frame must keep
 * and throws {@link ProtocolException}s naming the broken one; writing produces frames as a head
 * (header and fixed fields, in the caller's reusable {@link PayloadWriter}) and an optional tail
 * (bulk data, never copied).
 */
public final class Codec {
    private Codec() {}

    /** A region reference: the payload of an {@link Wire#FLAG_INDIRECT} frame. */
    public record Indirect(long offset, long length) {
        public static Indirect read(ByteBuffer payload) {
            PayloadReader r = new PayloadReader(payload, "INDIRECT reference");
            Indirect i = new Indirect(r.size("offset"), r.size("length"));
            r.end();
            return i;
        }
    }

    /**
     * Decodes a request frame's payload.
     *
     * @param payload the payload: the frame's own, or for an INDIRECT frame the region bytes it names
     * @throws ProtocolException content errors naming the field; unknown types with status NOT_SUPPORTED
     */
    public static Request decodeRequest(FrameHeader h, ByteBuffer payload) {
        return decodeRequest(h, payload, null);
    }

    /** As {@link #decodeRequest(FrameHeader, ByteBuffer)}, reporting every field to {@code listener}. */
    public static Request decodeRequest(FrameHeader h, ByteBuffer payload, FieldListener listener) {
        MessageType type = MessageType.of(h.type());
        if (type == null) throw ProtocolException.unsupported(String.format("message type 0x%04x is not defined in protocol version %d", h.type(), h.version()));
        if (h.has(Wire.FLAG_REPLY) || h.has(Wire.FLAG_MORE))
            throw ProtocolException.content(type + ": a request must not carry the REPLY or MORE flag");
        if (h.has(Wire.FLAG_ASYNC) && !type.asyncAllowed())
            throw ProtocolException.content(type + " cannot be sent asynchronously (it has a result)");
        return type.readRequest(new PayloadReader(payload, type + " request", listener));
    }

    /** Decodes a reply frame's payload. */
    public static Reply decodeReply(FrameHeader h, ByteBuffer payload) {
        return decodeReply(h, payload, null);
    }

    /** As {@link #decodeReply(FrameHeader, ByteBuffer)}, reporting every field to {@code listener}. */
    public static Reply decodeReply(FrameHeader h, ByteBuffer payload, FieldListener listener) {
        MessageType type = MessageType.of(h.type());
        if (type == null) throw ProtocolException.unsupported(String.format("reply of undefined message type 0x%04x", h.type()));
        if (!h.has(Wire.FLAG_REPLY)) throw ProtocolException.content(type + ": a reply must carry the REPLY flag");
        if (h.has(Wire.FLAG_ASYNC) || h.has(Wire.FLAG_INDIRECT))
            throw ProtocolException.content(type + ": a reply must not carry the ASYNC or INDIRECT flag");
        return Reply.read(type, new PayloadReader(payload, type + " reply", listener));
    }

    /**
     * Writes a request frame: returns the head (a view of {@code w}'s buffer, valid until its next
     * use) and, when the request has one, the tail.
     *
     * @param flags {@link Wire#FLAG_ASYNC} or 0
     */
    public static ByteBuffer[] encodeRequest(PayloadWriter w, Request req, int flags, long seq, long session) {
        if ((flags & Wire.FLAG_ASYNC) != 0 && !req.type().asyncAllowed())
            throw new IllegalArgumentException(req.type() + " cannot be sent asynchronously");
        if ((flags & ~Wire.FLAG_ASYNC) != 0) throw new IllegalArgumentException("request flags may only be ASYNC: " + flags);
        w.reset(Wire.HEADER_SIZE);
        req.write(w);
        return finish(w, req.type(), flags, seq, session, req.tail());
    }

    /**
     * Writes an INDIRECT request frame: its payload, encoded with {@link #encodePayload}, lies in
     * the shared region at {@code offset}.
     */
    public static ByteBuffer encodeIndirect(PayloadWriter w, MessageType type, long seq, long session, long offset, long length) {
        w.reset(Wire.HEADER_SIZE).u64(offset).u64(length);
        new FrameHeader(Wire.VERSION_1, Wire.FLAG_INDIRECT, type.code(), seq, Wire.INDIRECT_SIZE, session).write(w.buffer(), 0);
        return w.written();
    }

    /** A request's payload alone (fixed fields, then its tail), for an INDIRECT frame. */
    public static ByteBuffer encodePayload(PayloadWriter w, Request req) {
        w.reset(0);
        req.write(w);
        if (req.tail() != null) w.bytes(req.tail());
        return w.written();
    }

    /** Writes a reply frame; {@code more} sets {@link Wire#FLAG_MORE}. */
    public static ByteBuffer[] encodeReply(PayloadWriter w, MessageType type, long seq, long session, Reply reply,
                                           boolean more) {
        w.reset(Wire.HEADER_SIZE);
        reply.write(w);
        ByteBuffer tail = reply.isOk() ? reply.result().tail() : null;
        return finish(w, type, Wire.FLAG_REPLY | (more ? Wire.FLAG_MORE : 0), seq, session, tail);
    }

    /**
     * Writes a reply to a frame whose type may be unknown (error replies to malformed frames echo the
     * type code they were sent).
     */
    public static ByteBuffer encodeErrorReply(PayloadWriter w, int typeCode, long seq, long session, int status,
                                              String message) {
        w.reset(Wire.HEADER_SIZE);
        Reply.error(status, truncate(message)).write(w);
        int length = w.position() - Wire.HEADER_SIZE;
        new FrameHeader(Wire.VERSION_1, Wire.FLAG_REPLY, typeCode & 0xffff, seq, length, session).write(w.buffer(), 0);
        return w.written();
    }

    /** Error messages are strings on the wire: keep them under the string limit. */
    public static String truncate(String message) {
        if (message == null) return "";
        return message.length() > 1000 ? message.substring(0, 1000) + "…" : message;
    }

    private static ByteBuffer[] finish(PayloadWriter w, MessageType type, int flags, long seq, long session, ByteBuffer tail) {
        long length = (long) w.position() - Wire.HEADER_SIZE + (tail == null ? 0 : tail.remaining());
        if (length > Wire.ABSOLUTE_MAX_PAYLOAD)
            throw new IllegalArgumentException(type + " payload of " + length + " bytes exceeds " + Wire.ABSOLUTE_MAX_PAYLOAD);
        new FrameHeader(Wire.VERSION_1, flags, type.code(), seq, (int) length, session).write(w.buffer(), 0);
        ByteBuffer head = w.written();
        return tail == null || !tail.hasRemaining() ? new ByteBuffer[] {head} : new ByteBuffer[] {head, tail.duplicate()};
    }
}
