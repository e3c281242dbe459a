package io.orion.backend.host.internal.interp;

/**
 * Half-precision arithmetic ({@code .f16}, {@code .f16x2}, {@code .bf16}, {@code .bf16x2}),
 * computed in single precision and rounded back: for add, sub and mul the single-precision result
 * is exact enough that rounding it once more gives the correctly rounded half result; fma is done
 * in double and brought to float by rounding to odd, which keeps the final rounding correct.
 */
final class HalfOp extends Insn {
    static final int ADD = 0, SUB = 1, MUL = 2, FMA = 3, NEG = 4, ABS = 5, MIN = 6, MAX = 7;

    private final int op;
    private final boolean brain;
    private final int lanesPerReg;
    private final int d, a, b, c;

    HalfOp(int op, boolean brain, boolean packed, int d, int a, int b, int c) {
        super(false);
        this.op = op;
        this.brain = brain;
        this.lanesPerReg = packed ? 2 : 1;
        this.d = d;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            long out = 0;
            for (int h = 0; h < lanesPerReg; h++) {
                int shift = 16 * h;
                float x = toFloat((int) (r[a + l] >>> shift) & 0xffff);
                float y = toFloat((int) (r[b + l] >>> shift) & 0xffff);
                float z = toFloat((int) (r[c + l] >>> shift) & 0xffff);
                float v = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case FMA -> roundToOdd(Math.fma((double) x, y, z));
                    case NEG -> -x;
                    case ABS -> Math.abs(x);
                    case MIN -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
                    case MAX -> Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
                    default -> throw new IllegalStateException("half op " + op);
                };
                out |= (long) (fromFloat(v) & 0xffff) << shift;
            }
            r[d + l] = out;
        }
    }

    /**
     * A double to float rounding to odd: the float is then rounded correctly to half precision, as
     * if the double had been rounded to half directly (float has more than twice half's precision).
     */
    static float roundToOdd(double d) {
        float f = (float) d;
        if ((double) f != d && (Float.floatToRawIntBits(f) & 1) == 0 && !Float.isInfinite(f))
            f = (double) f < d ? Math.nextUp(f) : Math.nextDown(f);
        return f;
    }

    private float toFloat(int h) {
        return brain ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat((short) h);
    }

    private int fromFloat(float f) {
        return brain ? Convert.toBf16(f) : Float.floatToFloat16(f);
    }
}
