package io.orion.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes hostile frames: random bytes, valid headers over random payloads, and mutations of the
 * golden frames (bit flips, boundary values over integer fields, truncations, extensions, swapped
 * types and flags, bad lengths). Deterministic for a seed. Also used by the live-server fuzz test.
 */
public final class FrameFuzzer {
    private static final long[] BOUNDARY = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fff_ffffL,
            0x8000_0000L, 0xffff_ffffL, Long.MAX_VALUE, Long.MIN_VALUE, 64, 65, 4096};

    private final SplittableRandom rnd;
    private final List<byte[]> seeds;
    private final MessageType[] types = MessageType.values();

    public FrameFuzzer(long seed) {
        this.rnd = new SplittableRandom(seed);
        List<byte[]> s = new ArrayList<>();
        for (GoldenSamples.Sample sample : GoldenSamples.valid()) s.add(Vectors.encode(sample));
        this.seeds = List.copyOf(s);
    }

    /** The golden frames the mutations start from. */
    public List<byte[]> seeds() { return seeds; }

    /** The next hostile frame; its header's length may or may not match its size. */
    public byte[] next() {
        int pick = rnd.nextInt(100);
        if (pick < 5) return randomBytes(rnd.nextInt(0, 160));
        if (pick < 20) return validHeaderRandomPayload();
        byte[] f = seeds.get(rnd.nextInt(seeds.size())).clone();
        int mutations = 1 + rnd.nextInt(3);
        for (int i = 0; i < mutations; i++) f = mutate(f);
        return f;
    }

    /** The next hostile frame with its length field made to match its size (so a stream stays delimited). */
    public byte[] nextDelimited() {
        byte[] f = next();
        if (f.length < Wire.HEADER_SIZE) f = Arrays.copyOf(f, Wire.HEADER_SIZE);
        ByteBuffer.wrap(f).order(Wire.ORDER).putInt(12, f.length - Wire.HEADER_SIZE);
        return f;
    }

    public SplittableRandom random() { return rnd; }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private byte[] validHeaderRandomPayload() {
        byte[] payload = randomBytes(rnd.nextInt(0, 120));
        MessageType t = types[rnd.nextInt(types.length)];
        int flags = rnd.nextInt(4) == 0 ? rnd.nextInt(16) : 0;
        ByteBuffer b = ByteBuffer.allocate(Wire.HEADER_SIZE + payload.length).order(Wire.ORDER);
        new FrameHeader(1, flags, t.code(), rnd.nextLong(0, 1L << 32), payload.length, rnd.nextLong()).write(b, 0);
        b.position(Wire.HEADER_SIZE).put(payload);
        return b.array();
    }

    private byte[] mutate(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f).order(Wire.ORDER);
        switch (rnd.nextInt(10)) {
            case 0 -> { // bit flips anywhere
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n && f.length > 0; i++) f[rnd.nextInt(f.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> { // a random byte in the payload
                if (f.length > Wire.HEADER_SIZE) f[rnd.nextInt(Wire.HEADER_SIZE, f.length)] = (byte) rnd.nextInt(256);
            }
            case 2 -> { // a boundary value over an integer field of the payload
                int width = new int[] {1, 2, 4, 8}[rnd.nextInt(4)];
                if (f.length >= Wire.HEADER_SIZE + width) {
                    int at = rnd.nextInt(Wire.HEADER_SIZE, f.length - width + 1);
                    long v = BOUNDARY[rnd.nextInt(BOUNDARY.length)];
                    for (int i = 0; i < width; i++) f[at + i] = (byte) (v >>> (8 * i));
                }
            }
            case 3 -> { // truncate, keeping the length consistent half the time
                int n = rnd.nextInt(0, f.length + 1);
                f = Arrays.copyOf(f, n);
                if (n >= Wire.HEADER_SIZE && rnd.nextBoolean()) ByteBuffer.wrap(f).order(Wire.ORDER).putInt(12, n - Wire.HEADER_SIZE);
            }
            case 4 -> { // extend with random bytes
                int extra = rnd.nextInt(1, 64);
                byte[] g = Arrays.copyOf(f, f.length + extra);
                for (int i = f.length; i < g.length; i++) g[i] = (byte) rnd.nextInt(256);
                f = g;
                if (f.length >= Wire.HEADER_SIZE && rnd.nextBoolean()) ByteBuffer.wrap(f).order(Wire.ORDER).putInt(12, f.length - Wire.HEADER_SIZE);
            }
            case 5 -> { // another message type over the same payload
                if (f.length >= 8) b.putShort(6, (short) (rnd.nextInt(5) == 0 ? rnd.nextInt(0x10000) : types[rnd.nextInt(types.length)].code()));
            }
            case 6 -> { // random flags
                if (f.length >= 6) f[5] = (byte) (rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(16));
            }
            case 7 -> { // a wrong length field
                if (f.length >= 16) b.putInt(12, (int) BOUNDARY[rnd.nextInt(BOUNDARY.length)]);
            }
            case 8 -> { // a string length field pointing far away
                if (f.length > Wire.HEADER_SIZE + 2) {
                    int at = rnd.nextInt(Wire.HEADER_SIZE, f.length - 1);
                    f[at] = (byte) 0xff;
                    f[at + 1] = (byte) rnd.nextInt(256);
                }
            }
            default -> { // splice the payload of another golden frame under this header
                byte[] other = seeds.get(rnd.nextInt(seeds.size()));
                if (f.length >= Wire.HEADER_SIZE && other.length >= Wire.HEADER_SIZE) {
                    byte[] g = Arrays.copyOf(f, Wire.HEADER_SIZE + other.length - Wire.HEADER_SIZE);
                    System.arraycopy(other, Wire.HEADER_SIZE, g, Wire.HEADER_SIZE, other.length - Wire.HEADER_SIZE);
                    ByteBuffer.wrap(g).order(Wire.ORDER).putInt(12, g.length - Wire.HEADER_SIZE);
                    f = g;
                }
            }
        }
        return f;
    }
}
