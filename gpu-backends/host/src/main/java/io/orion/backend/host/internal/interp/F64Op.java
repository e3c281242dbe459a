package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.bits;
import static io.orion.backend.host.internal.interp.Bits.f64;

/** Double-precision arithmetic: {@code d = op(a, b, c)} with PTX's rounding modes; codes as {@link F32Op}'s. */
final class F64Op extends Insn {
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MIN = 4, MAX = 5, MIN_NAN = 6, MAX_NAN = 7, COPYSIGN = 8,
            FMA = 9, NEG = 10, ABS = 11, SQRT = 12, RSQRT = 13, RCP = 14, SIN = 15, COS = 16, LG2 = 17, EX2 = 18;

    private final int op;
    private final int mode;
    private final boolean sat;
    private final int d, a, b, c;

    F64Op(int op, int mode, boolean sat, int d, int a, int b, int c) {
        super(false);
        this.op = op;
        this.mode = mode;
        this.sat = sat;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL) {
            for (int l = 0; l < Warp.SIZE; l++) r[d + l] = bits(eval(f64(r[a + l]), f64(r[b + l]), f64(r[c + l])));
        } else {
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                r[d + l] = bits(eval(f64(r[a + l]), f64(r[b + l]), f64(r[c + l])));
            }
        }
    }

    private double eval(double x, double y, double z) {
        double v = switch (op) {
            case ADD -> Rounding.add(x, y, mode);
            case SUB -> Rounding.add(x, -y, mode);
            case MUL -> Rounding.mul(x, y, mode);
            case DIV -> Rounding.div(x, y, mode);
            case FMA -> Rounding.fma(x, y, z, mode);
            case MIN -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.min(x, y);
            case MAX -> Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
            case MIN_NAN -> Math.min(x, y);
            case MAX_NAN -> Math.max(x, y);
            case COPYSIGN -> Math.copySign(y, x);
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQRT -> Rounding.sqrt(x, mode);
            case RSQRT -> 1.0 / Math.sqrt(x);
            case RCP -> Rounding.div(1.0, x, mode);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case LG2 -> Math.log(x) / Math.log(2.0);
            case EX2 -> Math.pow(2.0, x);
            default -> throw new IllegalStateException("f64 op " + op);
        };
        return sat ? Bits.sat(v) : v;
    }
}
