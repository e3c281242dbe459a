package io.orion.backend.host.internal.ptx;

/** The fundamental PTX types, with their size in bytes. */
public enum PtxType {
    B8(1, Kind.BITS), B16(2, Kind.BITS), B32(4, Kind.BITS), B64(8, Kind.BITS), B128(16, Kind.BITS),
    U8(1, Kind.UNSIGNED), U16(2, Kind.UNSIGNED), U32(4, Kind.UNSIGNED), U64(8, Kind.UNSIGNED),
    S8(1, Kind.SIGNED), S16(2, Kind.SIGNED), S32(4, Kind.SIGNED), S64(8, Kind.SIGNED),
    F16(2, Kind.FLOAT), F16X2(4, Kind.FLOAT), BF16(2, Kind.FLOAT), BF16X2(4, Kind.FLOAT), TF32(4, Kind.FLOAT),
    F32(4, Kind.FLOAT), F64(8, Kind.FLOAT),
    PRED(1, Kind.PRED);

    public enum Kind { BITS, UNSIGNED, SIGNED, FLOAT, PRED }

    private final int bytes;
    private final Kind kind;

    PtxType(int bytes, Kind kind) {
        this.bytes = bytes;
        this.kind = kind;
    }

    public int bytes() { return bytes; }

    public int bits() { return bytes * 8; }

    public Kind kind() { return kind; }

    public boolean isFloat() { return kind == Kind.FLOAT; }

    public boolean isSigned() { return kind == Kind.SIGNED; }

    /** The type a suffix names, {@code "f32"} or {@code ".f32"}; null if it names none. */
    public static PtxType fromSuffix(String suffix) {
        String s = suffix.startsWith(".") ? suffix.substring(1) : suffix;
        return switch (s) {
            case "b8" -> B8; case "b16" -> B16; case "b32" -> B32; case "b64" -> B64; case "b128" -> B128;
            case "u8" -> U8; case "u16" -> U16; case "u32" -> U32; case "u64" -> U64;
            case "s8" -> S8; case "s16" -> S16; case "s32" -> S32; case "s64" -> S64;
            case "f16" -> F16; case "f16x2" -> F16X2; case "bf16" -> BF16; case "bf16x2" -> BF16X2;
            case "tf32" -> TF32; case "f32" -> F32; case "f64" -> F64; case "pred" -> PRED;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
