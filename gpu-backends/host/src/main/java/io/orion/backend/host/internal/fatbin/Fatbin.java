package io.orion.backend.host.internal.fatbin;

import java.util.ArrayList;
import java.util.List;

/**
 * The fat binary container nvcc writes ({@code nvcc -fatbin}, and the {@code .nv_fatbin} data
 * that {@code __cudaRegisterFatBinary}'s wrapper points to): a 16-byte header (magic 0xBA55ED50,
 * version, header size, size of the entries) followed by entries, each with its own header (kind,
 * architecture, version, flags, stored and decompressed sizes) and payload. Several containers may
 * follow one another (linked device code).
 */
public final class Fatbin {
    public static final int MAGIC = 0xBA55ED50;
    /** Magic of the wrapper struct {@code __cudaRegisterFatBinary} receives, which points to a container. */
    public static final int WRAPPER_MAGIC = 0x466243B1;
    /** Refuse decompressing more than this: PTX of this size is not a kernel module but an attack. */
    private static final long MAX_PAYLOAD = 1L << 30;

    private final byte[] image;
    private final List<FatbinEntry> entries;

    private Fatbin(byte[] image, List<FatbinEntry> entries) {
        this.image = image;
        this.entries = List.copyOf(entries);
    }

    public static boolean looksLikeFatbin(byte[] image) {
        return image.length >= 4 && le(image, 0, 4) == (MAGIC & 0xffff_ffffL);
    }

    /** Parses the container(s); every size is checked against the image. */
    public static Fatbin parse(byte[] image) {
        List<FatbinEntry> entries = new ArrayList<>();
        int pos = 0;
        while (pos + 16 <= image.length && le(image, pos, 4) == (MAGIC & 0xffff_ffffL)) {
            int headerSize = (int) le(image, pos + 6, 2);
            long fatSize = le(image, pos + 8, 8);
            if (headerSize < 16 || fatSize < 0 || pos + headerSize + fatSize > image.length)
                throw new CorruptDataException("fat binary header at offset " + pos + " claims " + fatSize
                        + " bytes of entries; the image has " + (image.length - pos - headerSize));
            int at = pos + headerSize;
            int end = (int) (at + fatSize);
            while (at < end) {
                if (at + 64 > end) throw new CorruptDataException("truncated fat binary entry header at offset " + at);
                int kind = (int) le(image, at, 2);
                int entryHeader = (int) le(image, at + 4, 4);
                long payload = le(image, at + 8, 8);
                if (entryHeader < 64 || payload < 0 || at + entryHeader + payload > end)
                    throw new CorruptDataException("fat binary entry at offset " + at + " runs past its container");
                long stored = le(image, at + 16, 4);
                int minor = (int) le(image, at + 24, 2);
                int major = (int) le(image, at + 26, 2);
                int arch = (int) le(image, at + 28, 4);
                long flags = le(image, at + 40, 8);
                long size = le(image, at + 56, 8);
                boolean compressed = (flags & (FatbinEntry.FLAG_LZ4 | FatbinEntry.FLAG_ZSTD)) != 0;
                if (!compressed) {
                    stored = payload;
                    size = payload;
                }
                if (stored > payload || size > MAX_PAYLOAD)
                    throw new CorruptDataException("fat binary entry at offset " + at + " has impossible sizes (stored "
                            + stored + ", payload " + payload + ", decompressed " + size + ")");
                entries.add(new FatbinEntry(kind, arch, major, minor, flags, at + entryHeader, (int) stored, size));
                at += (int) (entryHeader + payload);
            }
            pos = end;
        }
        if (entries.isEmpty() && !looksLikeFatbin(image)) throw new CorruptDataException("not a fat binary");
        return new Fatbin(image, entries);
    }

    public List<FatbinEntry> entries() {
        return entries;
    }

    /**
     * The payload of an entry, decompressed. An unknown compression is refused with the nvcc flag
     * that avoids compression.
     */
    public byte[] payload(FatbinEntry e) {
        long unknown = e.flags() & ~(FatbinEntry.FLAG_64BIT | 0x10 | FatbinEntry.FLAG_LZ4 | FatbinEntry.FLAG_ZSTD);
        if ((e.flags() & FatbinEntry.FLAG_ZSTD) != 0)
            return ZstdDecoder.decompress(image, e.offset(), e.storedSize(), Math.max(e.size(), 1));
        if ((e.flags() & FatbinEntry.FLAG_LZ4) != 0)
            return Lz4BlockDecoder.decompress(image, e.offset(), e.storedSize(), (int) e.size());
        byte[] out = new byte[e.storedSize()];
        System.arraycopy(image, e.offset(), out, 0, out.length);
        if (unknown != 0 && e.isPtx() && looksCompressed(out))
            throw new CorruptDataException("fat binary entry (" + e.describe() + ") uses an unknown compression (flags 0x"
                    + Long.toHexString(e.flags()) + "); rebuild with nvcc --compress-mode=none (or --no-compress)");
        return out;
    }

    private static boolean looksCompressed(byte[] payload) {
        for (int i = 0; i < Math.min(64, payload.length); i++) {
            int c = payload[i] & 0xff;
            if (c != '\n' && c != '\t' && c != '\r' && c != 0 && (c < 0x20 || c > 0x7e)) return true;
        }
        return false;
    }

    static long le(byte[] d, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (d[at + i] & 0xff) << (8 * i);
        return v;
    }
}
