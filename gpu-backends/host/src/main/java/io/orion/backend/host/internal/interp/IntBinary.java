package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.sx;
import static io.orion.backend.host.internal.interp.Bits.zx;

/** Two-operand integer and bit instructions: {@code d = a op b} for 16-, 32- and 64-bit types. */
final class IntBinary extends Insn {
    static final int ADD = 0, SUB = 1, MUL_LO = 2, MUL_HI = 3, MUL_WIDE = 4, MIN = 5, MAX = 6, DIV = 7, REM = 8,
            AND = 9, OR = 10, XOR = 11, SHL = 12, SHR = 13, ADD_SAT = 14, SUB_SAT = 15, MUL24_LO = 16, MUL24_HI = 17;

    private final int op;
    private final int bits;
    private final boolean signed;
    private final int d, a, b;

    IntBinary(int op, int bits, boolean signed, int d, int a, int b) {
        super(false);
        this.op = op;
        this.bits = bits;
        this.signed = signed;
        this.d = d;
        this.a = a;
        this.b = b;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL) {
            // The commonest operations of whole warps get loops of their own: no per-lane dispatch.
            int d = this.d, a = this.a, b = this.b;
            switch (op) {
                case ADD -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] + r[b + l];
                    return;
                }
                case SUB -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] - r[b + l];
                    return;
                }
                case MUL_LO -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] * r[b + l];
                    return;
                }
                case AND -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] & r[b + l];
                    return;
                }
                case OR -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] | r[b + l];
                    return;
                }
                case XOR -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = r[a + l] ^ r[b + l];
                    return;
                }
                default -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = eval(r[a + l], r[b + l]);
                }
            }
        } else {
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                r[d + l] = eval(r[a + l], r[b + l]);
            }
        }
    }

    private long eval(long x, long y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL_LO: return x * y;
            case AND: return x & y;
            case OR: return x | y;
            case XOR: return x ^ y;
            case SHL: {
                long n = y & 0xffff_ffffL;
                return n >= bits ? 0 : x << n;
            }
            case SHR: {
                long n = y & 0xffff_ffffL;
                if (signed) return sx(x, bits) >> Math.min(n, 63);
                return n >= bits ? 0 : zx(x, bits) >>> n;
            }
            case MUL_HI: {
                if (bits == 64) return signed ? Math.multiplyHigh(x, y) : Math.unsignedMultiplyHigh(x, y);
                return signed ? (sx(x, bits) * sx(y, bits)) >> bits : (zx(x, bits) * zx(y, bits)) >>> bits;
            }
            case MUL_WIDE: return signed ? sx(x, bits) * sx(y, bits) : zx(x, bits) * zx(y, bits);
            case MIN: case MAX: {
                long p = signed ? sx(x, bits) : zx(x, bits);
                long q = signed ? sx(y, bits) : zx(y, bits);
                int c = signed || bits < 64 ? Long.compare(p, q) : Long.compareUnsigned(p, q);
                return (op == MIN) == (c <= 0) ? p : q;
            }
            case DIV: {
                long q = signed ? sx(y, bits) : zx(y, bits);
                if (q == 0) return -1; // PTX leaves it unspecified; the GPU returns all ones
                long p = signed ? sx(x, bits) : zx(x, bits);
                return signed || bits < 64 ? p / q : Long.divideUnsigned(p, q);
            }
            case REM: {
                long q = signed ? sx(y, bits) : zx(y, bits);
                long p = signed ? sx(x, bits) : zx(x, bits);
                if (q == 0) return p;
                return signed || bits < 64 ? p % q : Long.remainderUnsigned(p, q);
            }
            case ADD_SAT: return saturate(sx(x, 32) + sx(y, 32));
            case SUB_SAT: return saturate(sx(x, 32) - sx(y, 32));
            case MUL24_LO: return take24(x) * take24(y);
            case MUL24_HI: return (take24(x) * take24(y)) >> 16;
            default: throw new IllegalStateException("int op " + op);
        }
    }

    private long take24(long v) {
        return signed ? sx(v, 24) : zx(v, 24);
    }

    private static long saturate(long v) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
