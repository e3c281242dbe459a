package io.orion.backend.host.internal.interp;

/**
 * Register values are kept in 64-bit slots whose bits above the register's width are unspecified;
 * each reader widens the value for its own type with these helpers.
 */
final class Bits {
    private Bits() {}

    /** Sign-extends the low {@code bits} bits. */
    static long sx(long v, int bits) {
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /** Zero-extends the low {@code bits} bits. */
    static long zx(long v, int bits) {
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }

    static long widen(long v, int bits, boolean signed) {
        return signed ? sx(v, bits) : zx(v, bits);
    }

    static float f32(long v) {
        return Float.intBitsToFloat((int) v);
    }

    static long bits(float f) {
        return Float.floatToRawIntBits(f) & 0xffff_ffffL;
    }

    static double f64(long v) {
        return Double.longBitsToDouble(v);
    }

    static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    /** Flushes a subnormal to zero of the same sign ({@code .ftz}). */
    static float ftz(float f) {
        return Math.abs(f) < Float.MIN_NORMAL ? Math.copySign(0f, f) : f;
    }

    /** Clamps to [0, 1], NaN to 0 ({@code .sat} on floats). */
    static float sat(float f) {
        return f > 0f ? (f < 1f ? f : 1f) : 0f;
    }

    static double sat(double d) {
        return d > 0d ? (d < 1d ? d : 1d) : 0d;
    }
}
