package io.orion.backend.host.internal.fatbin;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A Zstandard decompressor (RFC 8878), written for the device code nvcc 13 compresses into fat
 * binaries by default. It decodes every frame feature a compressor can emit without a dictionary:
 * raw, RLE and compressed blocks; raw, RLE, Huffman and treeless literals with one or four streams;
 * predefined, RLE, FSE and repeated sequence tables; repeat offsets; skippable frames; the content
 * checksum (verified). Frames that need a dictionary are refused.
 */
public final class ZstdDecoder {
    private static final int MAGIC = 0xFD2FB528;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE = 0x184D2A50;
    private static final int MAX_BLOCK = 128 * 1024;

    private static final short[] LL_DEFAULT = {4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2,
            3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1};
    private static final short[] ML_DEFAULT = {1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1};
    private static final short[] OF_DEFAULT = {1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            -1, -1, -1, -1, -1};
    private static final int[] LL_BASE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32,
            40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
    private static final int[] LL_BITS = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8,
            9, 10, 11, 12, 13, 14, 15, 16};
    private static final int[] ML_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
            4099, 8195, 16387, 32771, 65539};
    private static final int[] ML_BITS = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private final byte[] in;
    private int pos;
    private final int end;
    private final long maxOutput;

    // State carried from block to block within a frame.
    private byte[] out;
    private int outLen;
    private HuffmanTable huffman;
    private FseTable llTable, ofTable, mlTable;
    private final int[] rep = new int[3];

    private ZstdDecoder(byte[] in, int offset, int length, long maxOutput) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        this.maxOutput = maxOutput;
    }

    /** Decompresses all frames in {@code in[offset, offset+length)}; refuses output beyond {@code maxOutput} bytes. */
    public static byte[] decompress(byte[] in, int offset, int length, long maxOutput) {
        if (offset < 0 || length < 0 || offset + length > in.length) throw new IllegalArgumentException("range outside the input");
        return new ZstdDecoder(in, offset, length, maxOutput).frames();
    }

    private byte[] frames() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        if (pos >= end) throw new CorruptDataException("no Zstandard frame");
        while (pos < end) {
            int magic = (int) le(pos, 4);
            pos += 4;
            if ((magic & SKIPPABLE_MASK) == SKIPPABLE) {
                long size = le(pos, 4);
                pos += 4;
                if (size > end - pos) throw new CorruptDataException("skippable frame runs past the data");
                pos += (int) size;
                continue;
            }
            if (magic != MAGIC) throw new CorruptDataException("not a Zstandard frame (magic 0x" + Integer.toHexString(magic) + ")");
            byte[] frame = frame();
            if (all.size() + (long) frame.length > maxOutput) throw tooLarge();
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    private byte[] frame() {
        int descriptor = u8(pos++);
        int fcsFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int dictFlag = descriptor & 3;
        if ((descriptor & 0x08) != 0) throw new CorruptDataException("reserved bit set in the frame header");
        long window = 0;
        if (!singleSegment) {
            int wd = u8(pos++);
            int exponent = wd >>> 3;
            long base = 1L << (10 + exponent);
            window = base + (base / 8) * (wd & 7);
        }
        int dictSize = dictFlag == 0 ? 0 : 1 << (dictFlag - 1);
        long dictionary = le(pos, dictSize);
        pos += dictSize;
        if (dictionary != 0) throw new CorruptDataException("frame needs dictionary " + dictionary + ", which is not available");
        int fcsSize = fcsFlag == 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
        long contentSize = fcsSize == 0 ? -1 : le(pos, fcsSize) + (fcsSize == 2 ? 256 : 0);
        pos += fcsSize;
        if (singleSegment) window = contentSize;
        if (contentSize > maxOutput) throw tooLarge();
        int blockLimit = (int) Math.min(MAX_BLOCK, Math.max(window, 1));

        out = new byte[contentSize >= 0 ? (int) contentSize : 1 << 16];
        outLen = 0;
        huffman = null;
        llTable = ofTable = mlTable = null;
        rep[0] = 1;
        rep[1] = 4;
        rep[2] = 8;
        boolean last;
        do {
            if (pos + 3 > end) throw new CorruptDataException("truncated block header");
            int header = (int) le(pos, 3);
            pos += 3;
            last = (header & 1) != 0;
            int type = (header >>> 1) & 3;
            int size = header >>> 3;
            switch (type) {
                case 0 -> {
                    need(size);
                    ensure(size);
                    System.arraycopy(in, pos, out, outLen, size);
                    outLen += size;
                    pos += size;
                }
                case 1 -> {
                    need(1);
                    ensure(size);
                    Arrays.fill(out, outLen, outLen + size, in[pos++]);
                    outLen += size;
                }
                case 2 -> {
                    if (size > blockLimit) throw new CorruptDataException("compressed block of " + size + " bytes exceeds " + blockLimit);
                    need(size);
                    compressedBlock(pos, pos + size);
                    pos += size;
                }
                default -> throw new CorruptDataException("reserved block type");
            }
        } while (!last);
        if (contentSize >= 0 && outLen != contentSize)
            throw new CorruptDataException("frame decoded to " + outLen + " bytes, its header says " + contentSize);
        if (checksum) {
            need(4);
            long expected = le(pos, 4);
            pos += 4;
            long actual = Xxh64.hash(out, 0, outLen) & 0xffff_ffffL;
            if (expected != actual) throw new CorruptDataException("content checksum mismatch");
        }
        return Arrays.copyOf(out, outLen);
    }

    // ---- compressed blocks --------------------------------------------------------------------

    private void compressedBlock(int start, int blockEnd) {
        int p = start;
        int header = u8(p);
        int literalsType = header & 3;
        int sizeFormat = (header >>> 2) & 3;
        int regenerated;
        int compressed = 0;
        int headerSize;
        boolean fourStreams = false;
        if (literalsType <= 1) {
            switch (sizeFormat) {
                case 0, 2 -> {
                    regenerated = header >>> 3;
                    headerSize = 1;
                }
                case 1 -> {
                    regenerated = (header >>> 4) + (u8(p + 1) << 4);
                    headerSize = 2;
                }
                default -> {
                    regenerated = (header >>> 4) + (u8(p + 1) << 4) + (u8(p + 2) << 12);
                    headerSize = 3;
                }
            }
        } else {
            fourStreams = sizeFormat != 0;
            long v;
            switch (sizeFormat) {
                case 0, 1 -> {
                    v = le(p, 3);
                    regenerated = (int) (v >>> 4) & 0x3ff;
                    compressed = (int) (v >>> 14) & 0x3ff;
                    headerSize = 3;
                }
                case 2 -> {
                    v = le(p, 4);
                    regenerated = (int) (v >>> 4) & 0x3fff;
                    compressed = (int) (v >>> 18) & 0x3fff;
                    headerSize = 4;
                }
                default -> {
                    v = le(p, 5);
                    regenerated = (int) (v >>> 4) & 0x3ffff;
                    compressed = (int) (v >>> 22) & 0x3ffff;
                    headerSize = 5;
                }
            }
        }
        p += headerSize;
        byte[] literals = new byte[regenerated];
        switch (literalsType) {
            case 0 -> {
                check(p + regenerated <= blockEnd, "raw literals run past the block");
                System.arraycopy(in, p, literals, 0, regenerated);
                p += regenerated;
            }
            case 1 -> {
                check(p < blockEnd, "RLE literals run past the block");
                Arrays.fill(literals, in[p++]);
            }
            default -> {
                check(p + compressed <= blockEnd, "compressed literals run past the block");
                int streamsStart = p;
                if (literalsType == 2) {
                    int[] used = new int[1];
                    huffman = HuffmanTable.read(in, p, p + compressed, used);
                    streamsStart = p + used[0];
                } else if (huffman == null) {
                    throw new CorruptDataException("treeless literals without a previous Huffman table");
                }
                decodeLiterals(streamsStart, p + compressed, literals, fourStreams);
                p += compressed;
            }
        }
        sequences(p, blockEnd, literals);
    }

    private void decodeLiterals(int start, int streamsEnd, byte[] literals, boolean fourStreams) {
        int n = literals.length;
        if (!fourStreams) {
            huffman.decodeStream(in, start, streamsEnd, literals, 0, n);
            return;
        }
        check(start + 6 <= streamsEnd, "jump table runs past the literals");
        int s1 = (int) le(start, 2);
        int s2 = (int) le(start + 2, 2);
        int s3 = (int) le(start + 4, 2);
        int p1 = start + 6;
        int p2 = p1 + s1;
        int p3 = p2 + s2;
        int p4 = p3 + s3;
        check(p4 <= streamsEnd, "literal streams run past the literals");
        int segment = (n + 3) / 4;
        check(segment * 3 <= n, "too few literals for four streams");
        huffman.decodeStream(in, p1, p2, literals, 0, segment);
        huffman.decodeStream(in, p2, p3, literals, segment, segment);
        huffman.decodeStream(in, p3, p4, literals, 2 * segment, segment);
        huffman.decodeStream(in, p4, streamsEnd, literals, 3 * segment, n - 3 * segment);
    }

    private void sequences(int p, int blockEnd, byte[] literals) {
        check(p < blockEnd, "missing sequences section");
        int b0 = u8(p++);
        int count;
        if (b0 < 128) {
            count = b0;
        } else if (b0 < 255) {
            check(p < blockEnd, "truncated sequence count");
            count = ((b0 - 128) << 8) + u8(p++);
        } else {
            check(p + 1 < blockEnd, "truncated sequence count");
            count = u8(p) + (u8(p + 1) << 8) + 0x7F00;
            p += 2;
        }
        if (count == 0) {
            append(literals, 0, literals.length);
            return;
        }
        check(p < blockEnd, "missing sequence table modes");
        int modes = u8(p++);
        int[] used = new int[1];
        llTable = table(modes >>> 6, p, blockEnd, LL_DEFAULT, 6, 36, 9, llTable, used);
        p += used[0];
        ofTable = table((modes >>> 4) & 3, p, blockEnd, OF_DEFAULT, 5, 32, 8, ofTable, used);
        p += used[0];
        mlTable = table((modes >>> 2) & 3, p, blockEnd, ML_DEFAULT, 6, 53, 9, mlTable, used);
        p += used[0];

        BackwardBits bits = new BackwardBits(in, p, blockEnd);
        int ll = (int) bits.read(llTable.accuracyLog);
        int of = (int) bits.read(ofTable.accuracyLog);
        int ml = (int) bits.read(mlTable.accuracyLog);
        int literal = 0;
        for (int i = 0; i < count; i++) {
            int ofCode = ofTable.symbol[of];
            int mlCode = mlTable.symbol[ml];
            int llCode = llTable.symbol[ll];
            if (ofCode > 31) throw new CorruptDataException("offset code " + ofCode + " too large");
            long offsetValue = (1L << ofCode) + bits.read(ofCode);
            int matchLength = ML_BASE[mlCode] + (int) bits.read(ML_BITS[mlCode]);
            int literalLength = LL_BASE[llCode] + (int) bits.read(LL_BITS[llCode]);
            long offset = offset(offsetValue, literalLength);
            if (i != count - 1) {
                ll = llTable.baseline[ll] + (int) bits.read(llTable.bits[ll]);
                ml = mlTable.baseline[ml] + (int) bits.read(mlTable.bits[ml]);
                of = ofTable.baseline[of] + (int) bits.read(ofTable.bits[of]);
            }
            check(literal + literalLength <= literals.length, "sequence takes more literals than the block has");
            append(literals, literal, literalLength);
            literal += literalLength;
            check(offset > 0 && offset <= outLen, "match offset " + offset + " reaches before the start of the output");
            ensure(matchLength);
            int from = outLen - (int) offset;
            for (int k = 0; k < matchLength; k++) out[outLen + k] = out[from + k];
            outLen += matchLength;
        }
        if (bits.remaining() != 0) throw new CorruptDataException("sequence bit stream not consumed exactly");
        append(literals, literal, literals.length - literal);
    }

    /** Resolves an offset value against the repeat offsets and updates them (RFC 8878 3.1.1.5). */
    private long offset(long value, int literalLength) {
        if (value > 3) {
            long o = value - 3;
            rep[2] = rep[1];
            rep[1] = rep[0];
            rep[0] = (int) o;
            return o;
        }
        int index = (int) value - 1 + (literalLength == 0 ? 1 : 0);
        if (index == 0) return rep[0];
        int o = index == 3 ? rep[0] - 1 : rep[index];
        if (index != 1) rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = o;
        return o;
    }

    private FseTable table(int mode, int p, int blockEnd, short[] defaults, int defaultLog, int maxSymbols, int maxLog,
                           FseTable previous, int[] used) {
        used[0] = 0;
        return switch (mode) {
            case 0 -> FseTable.build(defaults, defaults.length, defaultLog);
            case 1 -> {
                check(p < blockEnd, "missing RLE sequence symbol");
                used[0] = 1;
                yield FseTable.single(u8(p));
            }
            case 2 -> FseTable.read(in, p, blockEnd, maxSymbols, maxLog, used);
            default -> {
                if (previous == null) throw new CorruptDataException("repeated sequence table without a previous one");
                yield previous;
            }
        };
    }

    // ---- output and input helpers ------------------------------------------------------------------

    private void append(byte[] src, int from, int n) {
        ensure(n);
        System.arraycopy(src, from, out, outLen, n);
        outLen += n;
    }

    private void ensure(int n) {
        long needed = (long) outLen + n;
        if (needed > maxOutput) throw tooLarge();
        if (needed > out.length) out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * out.length)));
    }

    private CorruptDataException tooLarge() {
        return new CorruptDataException("decompressed data exceeds the limit of " + maxOutput + " bytes");
    }

    private void need(int n) {
        if (pos + n > end || n < 0) throw new CorruptDataException("block runs past the end of the data");
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new CorruptDataException(message);
    }

    private int u8(int at) {
        if (at >= end) throw new CorruptDataException("unexpected end of data");
        return in[at] & 0xff;
    }

    private long le(int at, int n) {
        if (at + n > end) throw new CorruptDataException("unexpected end of data");
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (in[at + i] & 0xff) << (8 * i);
        return v;
    }
}
