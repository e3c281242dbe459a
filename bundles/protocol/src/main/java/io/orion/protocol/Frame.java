package io.orion.protocol;

import java.nio.ByteBuffer;

/**
 * One delimited frame: its header and a view of its payload.
 *
 * @param header   the checked header
 * @param payload  the payload bytes (a view, little-endian, position 0)
 */
public record Frame(FrameHeader header, ByteBuffer payload) {

    /**
     * Splits a buffer holding exactly one frame (from its position to its limit).
     *
     * @throws ProtocolException fatal for a bad header or a length that does not match the buffer
     */
    public static Frame parse(ByteBuffer buf, int maxPayload) {
        FrameHeader h = FrameHeader.read(buf, maxPayload);
        int have = buf.remaining() - Wire.HEADER_SIZE;
        if (have != h.length())
            throw ProtocolException.framing("header says " + h.length() + " payload bytes, the frame holds " + have);
        return new Frame(h, buf.slice(buf.position() + Wire.HEADER_SIZE, h.length()).order(Wire.ORDER));
    }

    /** The message type, or null for a code this version does not define. */
    public MessageType type() { return MessageType.of(header.type()); }

    public String typeName() {
        MessageType t = type();
        return t != null ? t.name() : String.format("type 0x%04x", header.type());
    }
}
