package io.orion.backend.host.internal.interp;

import java.math.BigDecimal;

/**
 * {@code cvt}: between every integer and floating-point type, with PTX's rounding modes,
 * {@code .sat} and {@code .ftz}. Float to integer conversions saturate to the destination range
 * (NaN gives 0) as PTX defines.
 */
final class Convert extends Insn {
    static final int SIGNED = 0, UNSIGNED = 1, FLOAT = 2, BF16 = 3;

    private final int srcKind, srcBits, dstKind, dstBits;
    /** Rounding mode (Rounding.RN...); for float to float of equal size with {@code integral}, the integer rounding. */
    private final int mode;
    private final boolean integral;
    private final boolean sat;
    private final boolean ftz;
    private final int d, a;

    Convert(int dstKind, int dstBits, int srcKind, int srcBits, int mode, boolean integral, boolean sat, boolean ftz,
            int d, int a) {
        super(false);
        this.srcKind = srcKind;
        this.srcBits = srcBits;
        this.dstKind = dstKind;
        this.dstBits = dstBits;
        this.mode = mode;
        this.integral = integral;
        this.sat = sat;
        this.ftz = ftz;
        this.d = d;
        this.a = a;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            r[d + l] = eval(r[a + l]);
        }
    }

    private boolean isFloat(int kind) {
        return kind == FLOAT || kind == BF16;
    }

    long eval(long x) {
        if (isFloat(srcKind)) {
            double v = readFloat(x, srcKind, srcBits);
            if (ftz && srcBits == 32) v = Bits.ftz((float) v);
            if (isFloat(dstKind)) {
                if (integral) v = roundIntegral(v, mode);
                return writeFloat(v, 0);
            }
            if (Double.isNaN(v)) return 0;
            return saturate(roundIntegral(v, mode));
        }
        long v = Bits.widen(x, srcBits, srcKind == SIGNED);
        boolean bigUnsigned = srcKind == UNSIGNED && srcBits == 64 && v < 0;
        if (isFloat(dstKind)) return intToFloat(v, bigUnsigned);
        if (!sat) return v;
        return clampInt(v, bigUnsigned);
    }

    static double readFloat(long x, int kind, int bits) {
        if (kind == BF16) return Float.intBitsToFloat(((int) x & 0xffff) << 16);
        return switch (bits) {
            case 16 -> Float.float16ToFloat((short) x);
            case 32 -> Bits.f32(x);
            default -> Bits.f64(x);
        };
    }

    /** A double to the destination float type; {@code lo} carries the sign of an error already made. */
    private long writeFloat(double v, double lo) {
        if (sat) v = Bits.sat(v);
        if (dstKind == BF16) return toBf16((float) v) & 0xffffL;
        return switch (dstBits) {
            case 16 -> Float.floatToFloat16((float) v) & 0xffffL;
            case 32 -> {
                float f = Rounding.toFloat(v, lo, mode < 0 ? Rounding.RN : mode);
                yield Bits.bits(ftz ? Bits.ftz(f) : f);
            }
            default -> Bits.bits(v);
        };
    }

    private long intToFloat(long v, boolean bigUnsigned) {
        double approx = bigUnsigned ? unsignedToDouble(v) : (double) v;
        if (dstBits == 64 || dstKind == BF16 || dstBits == 16) {
            if (dstBits == 64 && mode > Rounding.RN) approx = directed(approx, v, bigUnsigned);
            return writeFloat(approx, 0);
        }
        // To f32: the double may already be rounded (|v| > 2^53); give toFloat the sign of that error.
        double lo = Math.abs(approx) < 0x1p53 ? 0 : exactCompare(approx, v, bigUnsigned);
        return writeFloat(approx, -lo);
    }

    private double directed(double approx, long v, boolean bigUnsigned) {
        int c = exactCompare(approx, v, bigUnsigned); // approx - v
        if (c == 0) return approx;
        return switch (mode) {
            case Rounding.RZ -> c > 0 && approx > 0 ? Math.nextDown(approx) : c < 0 && approx < 0 ? Math.nextUp(approx) : approx;
            case Rounding.RM -> c > 0 ? Math.nextDown(approx) : approx;
            default -> c < 0 ? Math.nextUp(approx) : approx;
        };
    }

    private static int exactCompare(double f, long v, boolean bigUnsigned) {
        BigDecimal exact = bigUnsigned ? new BigDecimal(Long.toUnsignedString(v)) : BigDecimal.valueOf(v);
        return new BigDecimal(f).compareTo(exact);
    }

    private static double unsignedToDouble(long v) {
        double half = (double) ((v >>> 1) | (v & 1));
        return half * 2.0;
    }

    static double roundIntegral(double v, int mode) {
        return switch (mode) {
            case Rounding.RZ -> v < 0 ? Math.ceil(v) : Math.floor(v);
            case Rounding.RM -> Math.floor(v);
            case Rounding.RP -> Math.ceil(v);
            default -> Math.rint(v);
        };
    }

    /** An integral double to the destination integer type, clamped to its range. */
    private long saturate(double v) {
        if (dstKind == SIGNED) {
            if (dstBits == 64) return (long) v;
            double lo = -Math.pow(2, dstBits - 1);
            double hi = Math.pow(2, dstBits - 1) - 1;
            return (long) Math.max(lo, Math.min(hi, v));
        }
        if (v <= 0) return 0;
        if (dstBits == 64) {
            if (v >= 0x1p64) return -1L;
            if (v >= 0x1p63) return (long) (v - 0x1p63) ^ Long.MIN_VALUE;
            return (long) v;
        }
        return (long) Math.min(Math.pow(2, dstBits) - 1, v);
    }

    private long clampInt(long v, boolean bigUnsigned) {
        if (dstKind == SIGNED) {
            long hi = dstBits == 64 ? Long.MAX_VALUE : (1L << (dstBits - 1)) - 1;
            long lo = dstBits == 64 ? Long.MIN_VALUE : -(1L << (dstBits - 1));
            if (bigUnsigned) return hi;
            return Math.max(lo, Math.min(hi, v));
        }
        if (bigUnsigned) return dstBits == 64 ? v : (1L << dstBits) - 1;
        if (v < 0) return 0;
        return dstBits == 64 ? v : Math.min((1L << dstBits) - 1, v);
    }

    /** Float to bfloat16, round to nearest even. */
    static int toBf16(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return 0x7fc0;
        return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }
}
