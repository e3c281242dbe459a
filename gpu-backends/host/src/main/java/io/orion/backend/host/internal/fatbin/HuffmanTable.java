package io.orion.backend.host.internal.fatbin;

/**
 * Zstandard's literal Huffman code (RFC 8878 section 4.2): weights describe code lengths, codes
 * are assigned by increasing weight then symbol, and decoding looks up the next {@code maxBits}
 * bits of a backward stream.
 */
final class HuffmanTable {
    private static final int MAX_BITS = 11;

    final int maxBits;
    private final byte[] symbol;
    private final byte[] length;

    private HuffmanTable(int maxBits) {
        this.maxBits = maxBits;
        this.symbol = new byte[1 << maxBits];
        this.length = new byte[1 << maxBits];
    }

    /** Reads a tree description at data[pos]; {@code consumed[0]} gets its size. */
    static HuffmanTable read(byte[] data, int pos, int end, int[] consumed) {
        if (pos >= end) throw new CorruptDataException("missing Huffman tree description");
        int header = data[pos] & 0xff;
        int[] weights = new int[256];
        int count;
        if (header < 128) {
            int size = header;
            if (pos + 1 + size > end) throw new CorruptDataException("Huffman weights run past the block");
            int[] fseSize = new int[1];
            FseTable table = FseTable.read(data, pos + 1, pos + 1 + size, 256, 6, fseSize);
            BackwardBits bits = new BackwardBits(data, pos + 1 + fseSize[0], pos + 1 + size);
            int s1 = (int) bits.read(table.accuracyLog);
            int s2 = (int) bits.read(table.accuracyLog);
            count = 0;
            while (true) {
                if (count > 253) throw new CorruptDataException("too many Huffman weights");
                weights[count++] = table.symbol[s1];
                s1 = table.baseline[s1] + (int) bits.read(table.bits[s1]);
                if (bits.overflowed()) {
                    weights[count++] = table.symbol[s2];
                    break;
                }
                weights[count++] = table.symbol[s2];
                s2 = table.baseline[s2] + (int) bits.read(table.bits[s2]);
                if (bits.overflowed()) {
                    weights[count++] = table.symbol[s1];
                    break;
                }
            }
            consumed[0] = 1 + size;
        } else {
            count = header - 127;
            int bytes = (count + 1) / 2;
            if (pos + 1 + bytes > end) throw new CorruptDataException("Huffman weights run past the block");
            for (int i = 0; i < count; i++) {
                int b = data[pos + 1 + i / 2] & 0xff;
                weights[i] = (i & 1) == 0 ? b >>> 4 : b & 0xf;
            }
            consumed[0] = 1 + bytes;
        }
        return fromWeights(weights, count);
    }

    private static HuffmanTable fromWeights(int[] weights, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            if (weights[i] > MAX_BITS) throw new CorruptDataException("Huffman weight " + weights[i] + " too large");
            if (weights[i] > 0) sum += 1L << (weights[i] - 1);
        }
        if (sum == 0) throw new CorruptDataException("Huffman weights are all zero");
        int maxBits = 64 - Long.numberOfLeadingZeros(sum); // the power of two above the sum
        long rest = (1L << maxBits) - sum;
        if (Long.bitCount(rest) != 1) throw new CorruptDataException("Huffman weights do not complete a tree");
        if (maxBits > MAX_BITS) throw new CorruptDataException("Huffman code longer than " + MAX_BITS + " bits");
        weights[count] = 64 - Long.numberOfLeadingZeros(rest); // the last symbol's weight
        int symbols = count + 1;
        HuffmanTable t = new HuffmanTable(maxBits);
        int position = 0;
        for (int w = 1; w <= maxBits; w++) {
            for (int s = 0; s < symbols; s++) {
                if (weights[s] != w) continue;
                int span = 1 << (w - 1);
                for (int i = 0; i < span; i++) {
                    t.symbol[position + i] = (byte) s;
                    t.length[position + i] = (byte) (maxBits + 1 - w);
                }
                position += span;
            }
        }
        if (position != 1 << maxBits) throw new CorruptDataException("Huffman table not filled");
        return t;
    }

    /** Decodes {@code n} literals from one backward stream into out[at..]. */
    void decodeStream(byte[] data, int start, int end, byte[] out, int at, int n) {
        BackwardBits bits = new BackwardBits(data, start, end);
        for (int i = 0; i < n; i++) {
            int index = (int) bits.peek(maxBits);
            out[at + i] = symbol[index];
            bits.skip(length[index]);
        }
        if (bits.remaining() != 0) throw new CorruptDataException("Huffman stream not consumed exactly");
    }
}
