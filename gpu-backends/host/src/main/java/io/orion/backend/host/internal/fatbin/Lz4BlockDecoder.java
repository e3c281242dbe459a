package io.orion.backend.host.internal.fatbin;

/**
 * Decodes one LZ4 block (no frame): the compression of nvcc's {@code --compress-mode=speed}.
 * Sequences of a token, literals and a match copy with a 2-byte offset; the last sequence has
 * literals only.
 */
public final class Lz4BlockDecoder {
    private Lz4BlockDecoder() {}

    /** Decompresses {@code in[offset, offset+length)} into exactly {@code size} bytes. */
    public static byte[] decompress(byte[] in, int offset, int length, int size) {
        byte[] out = new byte[size];
        int p = offset;
        int end = offset + length;
        int o = 0;
        while (true) {
            if (p >= end) throw new CorruptDataException("LZ4 block ends inside a sequence");
            int token = in[p++] & 0xff;
            int literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (p >= end) throw new CorruptDataException("LZ4 literal length runs past the block");
                    b = in[p++] & 0xff;
                    literals += b;
                } while (b == 255);
            }
            if (literals > end - p || literals > size - o)
                throw new CorruptDataException("LZ4 literals run past the block or the output");
            System.arraycopy(in, p, out, o, literals);
            p += literals;
            o += literals;
            if (p == end) break;
            if (p + 2 > end) throw new CorruptDataException("LZ4 block ends inside an offset");
            int distance = (in[p] & 0xff) | (in[p + 1] & 0xff) << 8;
            p += 2;
            if (distance == 0 || distance > o) throw new CorruptDataException("LZ4 match offset " + distance + " is invalid");
            int match = (token & 15);
            if (match == 15) {
                int b;
                do {
                    if (p >= end) throw new CorruptDataException("LZ4 match length runs past the block");
                    b = in[p++] & 0xff;
                    match += b;
                } while (b == 255);
            }
            match += 4;
            if (match > size - o) throw new CorruptDataException("LZ4 match runs past the output");
            for (int i = 0; i < match; i++, o++) out[o] = out[o - distance];
        }
        if (o != size) throw new CorruptDataException("LZ4 block decoded to " + o + " bytes, expected " + size);
        return out;
    }
}
