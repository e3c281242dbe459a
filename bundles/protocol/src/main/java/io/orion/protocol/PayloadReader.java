package io.orion.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one payload field by field and refuses anything the specification does not allow:
 * reading past the end, trailing bytes, a string that is too long or not UTF-8, a boolean that is
 * neither 0 nor 1. Every error names the message and the field.
 */
public final class PayloadReader {
    private final ByteBuffer buf;
    private final String what;
    private final FieldListener listener;

    /** @param what the message being read, for error messages (e.g. "MEM_ALLOC request") */
    public PayloadReader(ByteBuffer payload, String what) {
        this(payload, what, null);
    }

    /** A reader that reports every field it reads to {@code listener} (may be null). */
    public PayloadReader(ByteBuffer payload, String what, FieldListener listener) {
        this.buf = payload.slice().order(Wire.ORDER);
        this.what = what;
        this.listener = listener;
    }

    private <T> T seen(String field, String type, T value) {
        if (listener != null) listener.field(field, type, value);
        return value;
    }

    public int remaining() { return buf.remaining(); }

    private void need(int n, String field) {
        if (buf.remaining() < n)
            throw ProtocolException.content(what + ": payload ends inside field '" + field + "' (needs " + n
                    + " bytes, " + buf.remaining() + " left)");
    }

    public int u8(String field) { need(1, field); return seen(field, "u8", buf.get() & 0xff); }

    public int u16(String field) { need(2, field); return seen(field, "u16", buf.getShort() & 0xffff); }

    public int i32(String field) { need(4, field); return seen(field, "i32", buf.getInt()); }

    public long u32(String field) { need(4, field); return seen(field, "u32", Integer.toUnsignedLong(buf.getInt())); }

    /** A u32 that must not exceed {@code max}, as an int. */
    public int u32(String field, int max) {
        long v = u32(field);
        if (v > max) throw bad(field, v + " exceeds " + max);
        return (int) v;
    }

    /** A u64 taken as it is (pointers, handles, ids: meaningless bit patterns until looked up). */
    public long u64(String field) { need(8, field); return seen(field, "u64", buf.getLong()); }

    /** A u64 byte count or offset: must fit in a signed long. */
    public long size(String field) {
        long v = u64(field);
        if (v < 0) throw bad(field, Long.toUnsignedString(v) + " is not a valid size");
        return v;
    }

    public float f32(String field) { need(4, field); return seen(field, "f32", buf.getFloat()); }

    public boolean bool(String field) {
        int v = u8(field);
        if (v > 1) throw bad(field, "boolean must be 0 or 1, was " + v);
        return v == 1;
    }

    /** A u8 of flag bits of which only {@code allowed} may be set. */
    public int flags(String field, int allowed) {
        int v = u8(field);
        if ((v & ~allowed) != 0) throw bad(field, String.format("unknown bits 0x%02x", v & ~allowed));
        return v;
    }

    /** u16 length, then that many bytes of UTF-8. */
    public String str(String field) {
        need(2, field + ".length");
        int n = buf.getShort() & 0xffff;
        if (n > Wire.MAX_STRING) throw bad(field, "string of " + n + " bytes exceeds " + Wire.MAX_STRING);
        need(n, field);
        ByteBuffer bytes = buf.slice(buf.position(), n);
        buf.position(buf.position() + n);
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = dec.decode(bytes);
            return seen(field, "str", chars.toString());
        } catch (CharacterCodingException e) {
            throw bad(field, "not valid UTF-8");
        }
    }

    /** Every byte that is left, as a view (no copy). */
    public ByteBuffer rest(String field) {
        ByteBuffer r = buf.slice().order(Wire.ORDER);
        buf.position(buf.limit());
        if (listener != null) {
            byte[] copy = new byte[r.remaining()];
            r.duplicate().get(copy);
            listener.field(field, "bytes", copy);
        }
        return r;
    }

    /** The payload must be fully read now. */
    public void end() {
        if (buf.hasRemaining())
            throw ProtocolException.content(what + ": " + buf.remaining() + " unexpected bytes after the last field");
    }

    public ProtocolException bad(String field, String why) {
        return ProtocolException.content(what + ": field '" + field + "': " + why);
    }
}
