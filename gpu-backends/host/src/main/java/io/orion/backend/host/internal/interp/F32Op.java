package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.bits;
import static io.orion.backend.host.internal.interp.Bits.f32;

/**
 * Single-precision arithmetic: {@code d = op(a, b, c)} with PTX's rounding, {@code .ftz} and
 * {@code .sat}. The {@code .approx} functions use Java's correctly rounded (or nearly so) math,
 * which is at least as accurate as the GPU's approximations.
 */
final class F32Op extends Insn {
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MIN = 4, MAX = 5, MIN_NAN = 6, MAX_NAN = 7, COPYSIGN = 8,
            FMA = 9, NEG = 10, ABS = 11, SQRT = 12, RSQRT = 13, RCP = 14, SIN = 15, COS = 16, LG2 = 17, EX2 = 18,
            TANH = 19;

    private final int op;
    private final int mode;
    private final boolean ftz;
    private final boolean sat;
    private final int d, a, b, c;

    F32Op(int op, int mode, boolean ftz, boolean sat, int d, int a, int b, int c) {
        super(false);
        this.op = op;
        this.mode = mode;
        this.ftz = ftz;
        this.sat = sat;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL && mode == Rounding.RN && !ftz && !sat) {
            int d = this.d, a = this.a, b = this.b, c = this.c;
            switch (op) {
                case ADD -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = bits(f32(r[a + l]) + f32(r[b + l]));
                    return;
                }
                case MUL -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = bits(f32(r[a + l]) * f32(r[b + l]));
                    return;
                }
                case FMA -> {
                    for (int l = 0; l < Warp.SIZE; l++) r[d + l] = bits(Math.fma(f32(r[a + l]), f32(r[b + l]), f32(r[c + l])));
                    return;
                }
                default -> { }
            }
        }
        if (mask == Warp.FULL) {
            for (int l = 0; l < Warp.SIZE; l++) r[d + l] = bits(eval(f32(r[a + l]), f32(r[b + l]), f32(r[c + l])));
        } else {
            for (int m = mask; m != 0; m &= m - 1) {
                int l = Integer.numberOfTrailingZeros(m);
                r[d + l] = bits(eval(f32(r[a + l]), f32(r[b + l]), f32(r[c + l])));
            }
        }
    }

    private float eval(float x, float y, float z) {
        if (ftz) {
            x = Bits.ftz(x);
            y = Bits.ftz(y);
            z = Bits.ftz(z);
        }
        float v = switch (op) {
            case ADD -> Rounding.add(x, y, mode);
            case SUB -> Rounding.add(x, -y, mode);
            case MUL -> Rounding.mul(x, y, mode);
            case DIV -> Rounding.div(x, y, mode);
            case FMA -> Rounding.fma(x, y, z, mode);
            case MIN -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
            case MAX -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
            case MIN_NAN -> Math.min(x, y);
            case MAX_NAN -> Math.max(x, y);
            case COPYSIGN -> Math.copySign(y, x); // copysign d, a, b: b with the sign of a
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQRT -> Rounding.sqrt(x, mode);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case RCP -> Rounding.div(1f, x, mode);
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case LG2 -> (float) (Math.log(x) / Math.log(2.0));
            case EX2 -> (float) Math.pow(2.0, x);
            case TANH -> (float) Math.tanh(x);
            default -> throw new IllegalStateException("f32 op " + op);
        };
        if (sat) v = Bits.sat(v);
        return ftz ? Bits.ftz(v) : v;
    }
}
