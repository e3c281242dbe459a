package io.orion.store.journal.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The frame: every record of a journal or snapshot file is one line,
 * {@code LLLLLLLL CCCCCCCC <payload>\n}, where {@code L} is the payload's length in bytes and
 * {@code C} its CRC32C, both as 8 hex digits. The payload is compact JSON, which never holds a raw
 * newline, so the newline ends a frame independently of its length field: a rotten length or
 * checksum is caught by the cross-check, and a write cut short shows as a last line without its
 * newline.
 */
final class Frames {
    /** Bytes before the payload: length, space, checksum, space. */
    static final int HEADER = 18;
    /** Longest payload a reader accepts; beyond it a "line" is garbage, not a frame. */
    static final int MAX_PAYLOAD = 256 << 20;

    private static final HexFormat HEX = HexFormat.of();

    private Frames() {}

    /**
     * A growable byte buffer that builds frames in place: {@link #begin} reserves the header,
     * the payload is written after it, {@link #end} fills the header in and adds the newline.
     */
    static final class Buffer extends ByteArrayOutputStream {
        private int frameStart = -1;

        Buffer(int capacity) { super(capacity); }

        void begin() {
            if (frameStart >= 0) throw new IllegalStateException("a frame is already open at " + frameStart);
            frameStart = count;
            write(new byte[HEADER], 0, HEADER);
        }

        void end() {
            if (frameStart < 0) throw new IllegalStateException("no frame is open");
            int payloadStart = frameStart + HEADER;
            int length = count - payloadStart;
            CRC32C crc = new CRC32C();
            crc.update(buf, payloadStart, length);
            byte[] header = (HEX.toHexDigits(length) + ' ' + HEX.toHexDigits((int) crc.getValue()) + ' ')
                    .getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(header, 0, buf, frameStart, HEADER);
            write('\n');
            frameStart = -1;
        }

        /** The bytes written so far, without copying; valid until the next write or reset. */
        byte[] array() { return buf; }

        /** Drops everything, keeping the capacity. */
        @Override
        public void reset() {
            super.reset();
            frameStart = -1;
        }
    }

    /**
     * Checks one line (without its newline). Returns null when it is a sound frame, else why not.
     */
    static String check(byte[] line, int length) {
        if (length < HEADER) return "line of " + length + " bytes is shorter than a frame header (" + HEADER + ")";
        if (line[8] != ' ' || line[17] != ' ' || !isHex(line, 0, 8) || !isHex(line, 9, 8))
            return "line does not start with a frame header 'LENGTH CHECKSUM '";
        int declared = parseHex(line, 0);
        int stored = parseHex(line, 9);
        if (declared != length - HEADER)
            return "frame declares " + declared + " payload bytes but the line holds " + (length - HEADER);
        int computed = crc(line, HEADER, declared);
        if (computed != stored)
            return "checksum mismatch: stored " + HEX.toHexDigits(stored) + ", computed " + HEX.toHexDigits(computed);
        return null;
    }

    /**
     * True when the line starts with a whole, sound frame and goes on with other bytes: two frames
     * run together because a newline rotted, which is corruption and never a torn write.
     */
    static boolean soundFrameWithTrailingBytes(byte[] line, int length) {
        if (length < HEADER || line[8] != ' ' || line[17] != ' ' || !isHex(line, 0, 8) || !isHex(line, 9, 8)) return false;
        long declared = Integer.toUnsignedLong(parseHex(line, 0));
        return declared < length - HEADER && crc(line, HEADER, (int) declared) == parseHex(line, 9);
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static boolean isHex(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            byte c = b[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static int parseHex(byte[] b, int from) {
        return (int) Long.parseLong(new String(b, from, 8, StandardCharsets.US_ASCII), 16);
    }
}
