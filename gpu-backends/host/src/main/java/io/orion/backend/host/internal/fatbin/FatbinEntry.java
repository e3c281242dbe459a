package io.orion.backend.host.internal.fatbin;

/**
 * One entry of a fat binary.
 *
 * @param kind           {@link #PTX} or {@link #ELF} (SASS), or another code nvcc uses
 * @param arch           the sm/compute architecture, e.g. 90
 * @param versionMajor   PTX ISA (or ELF format) version, major
 * @param versionMinor   minor
 * @param flags          the entry's flags ({@link #FLAG_LZ4}, {@link #FLAG_ZSTD}, ...)
 * @param offset         where the payload starts in the image
 * @param storedSize     payload bytes as stored (compressed size when compressed)
 * @param size           payload bytes once decompressed
 */
public record FatbinEntry(int kind, int arch, int versionMajor, int versionMinor, long flags, int offset, int storedSize,
                          long size) {
    public static final int PTX = 1;
    public static final int ELF = 2;

    public static final long FLAG_64BIT = 0x1;
    /** Payload compressed as one LZ4 block ({@code nvcc --compress-mode=speed}). */
    public static final long FLAG_LZ4 = 0x2000;
    /** Payload compressed as a Zstandard frame (nvcc 13's default). */
    public static final long FLAG_ZSTD = 0x8000;

    public boolean isPtx() { return kind == PTX; }

    public String describe() {
        String what = kind == PTX ? "PTX " + versionMajor + "." + versionMinor + " for compute_" + arch
                : kind == ELF ? "SASS (ELF) for sm_" + arch : "entry of kind " + kind + " for arch " + arch;
        String how = (flags & FLAG_ZSTD) != 0 ? ", Zstandard-compressed" : (flags & FLAG_LZ4) != 0 ? ", LZ4-compressed" : "";
        return what + how;
    }
}
