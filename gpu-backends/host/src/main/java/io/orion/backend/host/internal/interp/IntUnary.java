package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.sx;
import static io.orion.backend.host.internal.interp.Bits.zx;

/** One-operand integer and bit instructions, moves and address-space conversions. */
final class IntUnary extends Insn {
    static final int MOV = 0, NOT = 1, NEG = 2, ABS = 3, POPC = 4, CLZ = 5, BREV = 6, BFIND = 7, BFIND_SHIFT = 8,
            CNOT = 9, NOT_PRED = 10, ADD_CONST = 11, IS_SPACE = 12, TO_WINDOW = 13;

    private final int op;
    private final int bits;
    private final boolean signed;
    private final int d, a;
    /** For ADD_CONST: the constant; for TO_WINDOW: the window base subtracted; for IS_SPACE: the window kind. */
    private final long k;

    IntUnary(int op, int bits, boolean signed, int d, int a, long k) {
        super(false);
        this.op = op;
        this.bits = bits;
        this.signed = signed;
        this.d = d;
        this.a = a;
        this.k = k;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL) {
            for (int l = 0; l < Warp.SIZE; l++) r[d + l] = eval(r[a + l]);
        } else {
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                r[d + l] = eval(r[a + l]);
            }
        }
    }

    private long eval(long x) {
        switch (op) {
            case MOV: return x;
            case NOT: return ~x;
            case NOT_PRED: return (x & 1) ^ 1;
            case CNOT: return zx(x, bits) == 0 ? 1 : 0;
            case NEG: return -x;
            case ABS: return Math.abs(sx(x, bits));
            case POPC: return bits == 64 ? Long.bitCount(x) : Long.bitCount(zx(x, bits));
            case CLZ: return bits == 64 ? Long.numberOfLeadingZeros(x) : Integer.numberOfLeadingZeros((int) x);
            case BREV: return bits == 64 ? Long.reverse(x) : Integer.reverse((int) x) & 0xffff_ffffL;
            case BFIND: case BFIND_SHIFT: {
                // Position of the most significant non-sign bit; 0xffffffff when there is none.
                long v = signed && sx(x, bits) < 0 ? ~sx(x, bits) : zx(x, bits);
                if (v == 0) return 0xffff_ffffL;
                int pos = 63 - Long.numberOfLeadingZeros(v);
                return op == BFIND ? pos : bits - 1 - pos;
            }
            case ADD_CONST: return x + k;
            case IS_SPACE: return AddressWindows.kind(x) == k ? 1 : 0;
            case TO_WINDOW: {
                // cvta.to.{shared,local,param}: a generic address to its window offset
                return bits == 32 ? (x - k) & 0xffff_ffffL : x - k;
            }
            default: throw new IllegalStateException("int unary op " + op);
        }
    }
}
