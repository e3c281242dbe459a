package io.orion.protocol;

import java.nio.ByteBuffer;

/**
 * The 24-byte header that starts every frame (docs/protocol.md §2):
 * <pre>
 *  0  u32 magic "ORVG"     8  u32 seq
 *  4  u8  version         12  u32 payload length
 *  5  u8  flags           16  u64 session id
 *  6  u16 type
 * </pre>
 *
 * @param version  protocol version of the frame
 * @param flags    {@link Wire#FLAG_REPLY} and friends
 * @param type     message type code ({@link MessageType#code()}); unknown codes are kept, so that the
 *                 server can answer them with an error
 * @param seq      sequence number of the call (u32)
 * @param length   payload bytes that follow the header
 * @param session  session id; 0 before the session is open
 */
public record FrameHeader(int version, int flags, int type, long seq, int length, long session) {

    public boolean has(int flag) { return (flags & flag) != 0; }

    public boolean isReply() { return has(Wire.FLAG_REPLY); }

    /**
     * Reads a header at the buffer's position (the buffer's byte order is ignored) and checks
     * what can be checked without knowing the session: magic, version range, flags and length.
     *
     * @param maxPayload the largest payload accepted now
     * @throws ProtocolException fatal, naming the bad field
     */
    public static FrameHeader read(ByteBuffer buf, int maxPayload) {
        int p = buf.position();
        if (buf.remaining() < Wire.HEADER_SIZE)
            throw ProtocolException.framing("frame of " + buf.remaining() + " bytes is shorter than the "
                    + Wire.HEADER_SIZE + "-byte header");
        ByteBuffer b = buf.duplicate().order(Wire.ORDER);
        int magic = b.getInt(p);
        if (magic != Wire.MAGIC)
            throw ProtocolException.framing(String.format("bad magic 0x%08x (expected 0x%08x, \"ORVG\")", magic, Wire.MAGIC));
        int version = b.get(p + 4) & 0xff;
        if (version < Wire.MIN_VERSION || version > Wire.MAX_VERSION)
            throw ProtocolException.framing("unsupported protocol version " + version + " (this side speaks "
                    + Wire.MIN_VERSION + ".." + Wire.MAX_VERSION + ")");
        int flags = b.get(p + 5) & 0xff;
        if ((flags & ~Wire.KNOWN_FLAGS) != 0)
            throw ProtocolException.framing(String.format("unknown flag bits 0x%02x", flags & ~Wire.KNOWN_FLAGS));
        int type = b.getShort(p + 6) & 0xffff;
        long seq = Integer.toUnsignedLong(b.getInt(p + 8));
        long length = Integer.toUnsignedLong(b.getInt(p + 12));
        if (length > maxPayload)
            throw ProtocolException.framing("payload length " + length + " exceeds the limit of " + maxPayload + " bytes");
        long session = b.getLong(p + 16);
        return new FrameHeader(version, flags, type, seq, (int) length, session);
    }

    /** Writes the header at absolute position {@code at}. */
    public void write(ByteBuffer buf, int at) {
        ByteBuffer b = buf.duplicate().order(Wire.ORDER);
        b.putInt(at, Wire.MAGIC);
        b.put(at + 4, (byte) version);
        b.put(at + 5, (byte) flags);
        b.putShort(at + 6, (short) type);
        b.putInt(at + 8, (int) seq);
        b.putInt(at + 12, length);
        b.putLong(at + 16, session);
    }
}
