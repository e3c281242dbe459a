package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.sx;
import static io.orion.backend.host.internal.interp.Bits.zx;

/** Three-operand integer instructions: {@code d = f(a, b, c)}. */
final class IntTernary extends Insn {
    static final int MAD_LO = 0, MAD_HI = 1, MAD_WIDE = 2, SAD = 3, BFE = 4, PRMT = 5, SHF_L_WRAP = 6,
            SHF_L_CLAMP = 7, SHF_R_WRAP = 8, SHF_R_CLAMP = 9, LOP3 = 10, DP4A = 11, DP2A_LO = 12, DP2A_HI = 13,
            MAD_HI_SAT = 14, MAD24_LO = 15;

    private final int op;
    private final int bits;
    private final boolean signed;
    /** For dp4a/dp2a: whether b is signed (a uses {@code signed}). */
    private final boolean signedB;
    private final int d, a, b, c;
    /** For lop3: the truth table. */
    private final int lut;

    IntTernary(int op, int bits, boolean signed, boolean signedB, int d, int a, int b, int c, int lut) {
        super(false);
        this.op = op;
        this.bits = bits;
        this.signed = signed;
        this.signedB = signedB;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
        this.lut = lut;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL) {
            for (int l = 0; l < Warp.SIZE; l++) r[d + l] = eval(r[a + l], r[b + l], r[c + l]);
        } else {
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                r[d + l] = eval(r[a + l], r[b + l], r[c + l]);
            }
        }
    }

    private long eval(long x, long y, long z) {
        switch (op) {
            case MAD_LO: return x * y + z;
            case MAD_HI: case MAD_HI_SAT: {
                long hi;
                if (bits == 64) hi = signed ? Math.multiplyHigh(x, y) : Math.unsignedMultiplyHigh(x, y);
                else hi = signed ? (sx(x, bits) * sx(y, bits)) >> bits : (zx(x, bits) * zx(y, bits)) >>> bits;
                if (op == MAD_HI) return hi + z;
                return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sx(hi, 32) + sx(z, 32)));
            }
            case MAD_WIDE: return (signed ? sx(x, bits) * sx(y, bits) : zx(x, bits) * zx(y, bits)) + z;
            case MAD24_LO: {
                long p = signed ? sx(x, 24) * sx(y, 24) : zx(x, 24) * zx(y, 24);
                return p + z;
            }
            case SAD: {
                long p = signed ? sx(x, bits) : zx(x, bits);
                long q = signed ? sx(y, bits) : zx(y, bits);
                long diff = bits == 64 && !signed ? (Long.compareUnsigned(p, q) < 0 ? q - p : p - q) : Math.abs(p - q);
                return z + diff;
            }
            case BFE: {
                int pos = (int) (y & 0xff);
                int len = (int) (z & 0xff);
                long v = zx(x, bits);
                if (len == 0) return 0;
                boolean msb;
                if (signed) {
                    int top = Math.min(pos + len - 1, bits - 1);
                    msb = ((v >>> top) & 1) != 0;
                } else {
                    msb = false;
                }
                long out = 0;
                for (int i = 0; i < bits; i++) {
                    boolean bit = i < len && pos + i < bits ? ((v >>> (pos + i)) & 1) != 0 : msb;
                    if (bit) out |= 1L << i;
                }
                return out;
            }
            case PRMT: {
                // Selects 4 bytes out of the 8 of {b, a}; bit 3 of a selector nibble replicates the sign.
                long src = (zx(y, 32) << 32) | zx(x, 32);
                int out = 0;
                for (int i = 0; i < 4; i++) {
                    int sel = (int) (z >>> (4 * i)) & 0xf;
                    int byteValue = (int) (src >>> (8 * (sel & 7))) & 0xff;
                    if ((sel & 8) != 0) byteValue = (byteValue & 0x80) != 0 ? 0xff : 0;
                    out |= byteValue << (8 * i);
                }
                return out & 0xffff_ffffL;
            }
            case SHF_L_WRAP: case SHF_L_CLAMP: {
                long n = op == SHF_L_WRAP ? z & 31 : Math.min(zx(z, 32), 32);
                long wide = (zx(y, 32) << 32) | zx(x, 32);
                return ((wide << n) >>> 32) & 0xffff_ffffL;
            }
            case SHF_R_WRAP: case SHF_R_CLAMP: {
                long n = op == SHF_R_WRAP ? z & 31 : Math.min(zx(z, 32), 32);
                long wide = (zx(y, 32) << 32) | zx(x, 32);
                return (wide >>> n) & 0xffff_ffffL;
            }
            case LOP3: {
                long out = 0;
                for (int i = 0; i < 8; i++) {
                    if (((lut >> i) & 1) == 0) continue;
                    long term = ((i & 4) != 0 ? x : ~x) & ((i & 2) != 0 ? y : ~y) & ((i & 1) != 0 ? z : ~z);
                    out |= term;
                }
                return out;
            }
            case DP4A: {
                long sum = sx(z, 32);
                for (int i = 0; i < 4; i++) {
                    long p = signed ? (byte) (x >>> (8 * i)) : (x >>> (8 * i)) & 0xff;
                    long q = signedB ? (byte) (y >>> (8 * i)) : (y >>> (8 * i)) & 0xff;
                    sum += p * q;
                }
                return sum;
            }
            case DP2A_LO: case DP2A_HI: {
                long sum = sx(z, 32);
                int half = op == DP2A_HI ? 2 : 0;
                for (int i = 0; i < 2; i++) {
                    long p = signed ? (short) (x >>> (16 * i)) : (x >>> (16 * i)) & 0xffff;
                    long q = signedB ? (byte) (y >>> (8 * (half + i))) : (y >>> (8 * (half + i))) & 0xff;
                    sum += p * q;
                }
                return sum;
            }
            default: throw new IllegalStateException("int ternary op " + op);
        }
    }
}
