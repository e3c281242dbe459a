package io.orion.backend.host.internal.fatbin;

/**
 * A Zstandard backward bit stream: written forwards, read from its last byte towards its first.
 * The highest set bit of the last byte marks where the stream begins; the bits below it are read
 * first, each read returning its first bit as the most significant. Reading past the start yields
 * zeros and is detectable with {@link #overflowed()}.
 */
final class BackwardBits {
    private final byte[] data;
    private final int start;
    private final int end;
    /** Bits not yet read: positions [start*8, start*8 + remaining) of the stream as one little-endian number. */
    private long remaining;

    BackwardBits(byte[] data, int start, int end) {
        if (end <= start) throw new CorruptDataException("empty bit stream");
        int last = data[end - 1] & 0xff;
        if (last == 0) throw new CorruptDataException("bit stream without an end marker");
        this.data = data;
        this.start = start;
        this.end = end;
        this.remaining = (long) (end - start - 1) * 8 + (31 - Integer.numberOfLeadingZeros(last));
    }

    /** Reads {@code n} (0..56) bits. */
    long read(int n) {
        long v = peek(n);
        remaining -= n;
        return v;
    }

    /** The next {@code n} (0..56) bits without consuming them. */
    long peek(int n) {
        if (n == 0) return 0;
        long from = remaining - n;
        if (from < 0) return n + from <= 0 ? 0 : extract(0, (int) (n + from)) << -from;
        return extract(from, n);
    }

    void skip(int n) {
        remaining -= n;
    }

    /** Bits left; negative once reads went past the start. */
    long remaining() {
        return remaining;
    }

    boolean overflowed() {
        return remaining < 0;
    }

    private long extract(long bit, int n) {
        int index = start + (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        long v = 0;
        for (int i = 0; i < 8 && index + i < end; i++) v |= (long) (data[index + i] & 0xff) << (8 * i);
        return (v >>> shift) & ((1L << n) - 1);
    }
}
