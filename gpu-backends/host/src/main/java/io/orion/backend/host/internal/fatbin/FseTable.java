package io.orion.backend.host.internal.fatbin;

/**
 * A finite-state-entropy decoding table (RFC 8878 section 4.1): for each state, the symbol it
 * emits and how to reach the next state (a baseline plus some bits read from the stream).
 */
final class FseTable {
    final int accuracyLog;
    final int[] symbol;
    final int[] bits;
    final int[] baseline;

    private FseTable(int accuracyLog) {
        this.accuracyLog = accuracyLog;
        int size = 1 << accuracyLog;
        this.symbol = new int[size];
        this.bits = new int[size];
        this.baseline = new int[size];
    }

    /** A table of one symbol that never consumes bits (the RLE mode of a sequence table). */
    static FseTable single(int symbolValue) {
        FseTable t = new FseTable(0);
        t.symbol[0] = symbolValue;
        return t;
    }

    /** Builds the decoding table from normalized counts (-1 meaning "less than one"). */
    static FseTable build(short[] counts, int symbols, int accuracyLog) {
        FseTable t = new FseTable(accuracyLog);
        int size = 1 << accuracyLog;
        int[] next = new int[symbols];
        int high = size - 1;
        for (int s = 0; s < symbols; s++) {
            if (counts[s] == -1) {
                t.symbol[high--] = s;
                next[s] = 1;
            } else {
                next[s] = counts[s];
            }
        }
        int position = 0;
        int step = (size >>> 1) + (size >>> 3) + 3;
        int mask = size - 1;
        for (int s = 0; s < symbols; s++) {
            for (int i = 0; i < counts[s]; i++) {
                t.symbol[position] = s;
                do {
                    position = (position + step) & mask;
                } while (position > high);
            }
        }
        if (position != 0) throw new CorruptDataException("FSE distribution does not fill its table");
        for (int u = 0; u < size; u++) {
            int s = t.symbol[u];
            int state = next[s]++;
            int nb = accuracyLog - (31 - Integer.numberOfLeadingZeros(state));
            t.bits[u] = nb;
            t.baseline[u] = (state << nb) - size;
        }
        return t;
    }

    /**
     * Reads a table description (normalized counts) at {@code data[pos]}; returns the table and
     * sets {@code consumed[0]} to the bytes it took.
     */
    static FseTable read(byte[] data, int pos, int end, int maxSymbols, int maxAccuracyLog, int[] consumed) {
        long bitPos = 0;
        int accuracyLog = (int) bitsAt(data, pos, end, bitPos, 4) + 5;
        bitPos += 4;
        if (accuracyLog > maxAccuracyLog)
            throw new CorruptDataException("FSE accuracy log " + accuracyLog + " exceeds " + maxAccuracyLog);
        short[] counts = new short[maxSymbols];
        int remaining = (1 << accuracyLog) + 1;
        int threshold = 1 << accuracyLog;
        int nbBits = accuracyLog + 1;
        int s = 0;
        while (remaining > 1) {
            if (s >= maxSymbols) throw new CorruptDataException("FSE distribution has too many symbols");
            int max = (2 * threshold - 1) - remaining;
            int low = (int) bitsAt(data, pos, end, bitPos, nbBits - 1);
            int count;
            if (low < max) {
                count = low;
                bitPos += nbBits - 1;
            } else {
                count = (int) bitsAt(data, pos, end, bitPos, nbBits);
                if (count >= threshold) count -= max;
                bitPos += nbBits;
            }
            count--;
            remaining -= Math.abs(count);
            counts[s++] = (short) count;
            if (count == 0) {
                while (true) {
                    int repeat = (int) bitsAt(data, pos, end, bitPos, 2);
                    bitPos += 2;
                    s += repeat;
                    if (repeat != 3) break;
                }
                if (s > maxSymbols) throw new CorruptDataException("FSE zero run past the last symbol");
            }
            while (remaining < threshold) {
                nbBits--;
                threshold >>= 1;
            }
        }
        if (remaining != 1) throw new CorruptDataException("FSE distribution does not add up");
        consumed[0] = (int) ((bitPos + 7) >>> 3);
        if (pos + consumed[0] > end) throw new CorruptDataException("FSE distribution runs past its data");
        return build(counts, s, accuracyLog);
    }

    /** Bits [bit, bit+n) of the little-endian stream at data[pos..end). */
    private static long bitsAt(byte[] data, int pos, int end, long bit, int n) {
        int index = pos + (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        long v = 0;
        for (int i = 0; i < 4 && index + i < end; i++) v |= (long) (data[index + i] & 0xff) << (8 * i);
        return (v >>> shift) & ((1L << n) - 1);
    }
}
