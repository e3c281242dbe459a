package io.orion.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes payload fields into a growable little-endian buffer. Writers are reused per connection;
 * {@link #reset} starts a new frame at a given offset (room for the header).
 */
public final class PayloadWriter {
    private ByteBuffer buf;

    public PayloadWriter(int initialCapacity) {
        buf = ByteBuffer.allocateDirect(Math.max(64, initialCapacity)).order(Wire.ORDER);
    }

    /** Starts over with the position at {@code start}. */
    public PayloadWriter reset(int start) {
        buf.clear();
        ensure(start);
        buf.position(start);
        return this;
    }

    public int position() { return buf.position(); }

    /** The bytes written so far, from 0 to the position, as a view. */
    public ByteBuffer written() {
        return buf.duplicate().flip().order(Wire.ORDER);
    }

    /** The underlying buffer (for patching a header in place). */
    public ByteBuffer buffer() { return buf; }

    private void ensure(int more) {
        if (buf.capacity() - buf.position() >= more) return;
        long need = (long) buf.position() + more;
        if (need > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("payload of " + need + " bytes is too large");
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.capacity()));
        ByteBuffer bigger = ByteBuffer.allocateDirect(cap).order(Wire.ORDER);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
    }

    public PayloadWriter u8(int v) {
        if (v < 0 || v > 0xff) throw new IllegalArgumentException("u8 out of range: " + v);
        ensure(1); buf.put((byte) v); return this;
    }

    public PayloadWriter u16(int v) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException("u16 out of range: " + v);
        ensure(2); buf.putShort((short) v); return this;
    }

    public PayloadWriter i32(int v) { ensure(4); buf.putInt(v); return this; }

    public PayloadWriter u32(long v) {
        if (v < 0 || v > 0xffff_ffffL) throw new IllegalArgumentException("u32 out of range: " + v);
        ensure(4); buf.putInt((int) v); return this;
    }

    public PayloadWriter u64(long v) { ensure(8); buf.putLong(v); return this; }

    public PayloadWriter f32(float v) { ensure(4); buf.putFloat(v); return this; }

    public PayloadWriter bool(boolean v) { return u8(v ? 1 : 0); }

    public PayloadWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > Wire.MAX_STRING)
            throw new IllegalArgumentException("string of " + b.length + " bytes exceeds " + Wire.MAX_STRING + ": "
                    + s.substring(0, Math.min(40, s.length())) + "…");
        u16(b.length);
        ensure(b.length);
        buf.put(b);
        return this;
    }

    /** Copies the remaining bytes of {@code data} (its position is left unchanged). */
    public PayloadWriter bytes(ByteBuffer data) {
        ensure(data.remaining());
        buf.put(data.duplicate());
        return this;
    }
}
