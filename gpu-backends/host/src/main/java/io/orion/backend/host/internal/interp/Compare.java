package io.orion.backend.host.internal.interp;

import static io.orion.backend.host.internal.interp.Bits.sx;
import static io.orion.backend.host.internal.interp.Bits.zx;

/**
 * {@code setp} (and {@code set}): compares a and b, optionally combines the result with a
 * predicate c ({@code .and}, {@code .or}, {@code .xor}); {@code setp} writes the result to p and
 * its complement (combined the same way) to an optional q, {@code set} writes an integer (all ones)
 * or float (1.0) mask.
 */
final class Compare extends Insn {
    static final int EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5, LO = 6, LS = 7, HI = 8, HS = 9,
            EQU = 10, NEU = 11, LTU = 12, LEU = 13, GTU = 14, GEU = 15, NUM = 16, NAN = 17;
    static final int TYPE_SIGNED = 0, TYPE_UNSIGNED = 1, TYPE_F32 = 2, TYPE_F64 = 3, TYPE_F16 = 4;
    static final int BOOL_NONE = 0, BOOL_AND = 1, BOOL_OR = 2, BOOL_XOR = 3;
    static final int OUT_PRED = 0, OUT_INT = 1, OUT_FLOAT = 2;

    private final int cmp, type, bits, boolOp, out;
    /**
     * For integer comparisons: bit (c + 1) tells the result when comparing gives c in {-1, 0, 1},
     * so a lane's test is one shift (EQ 0b010, LT 0b001, GE 0b110, ...).
     */
    private final int truth;
    private final boolean unsignedCompare;
    private final boolean ftz, cNegated;
    private final int p, q, a, b, c;

    Compare(int cmp, int type, int bits, boolean ftz, int boolOp, int out, int p, int q, int a, int b, int c, boolean cNegated) {
        super(false);
        this.cmp = cmp;
        this.type = type;
        this.bits = bits;
        this.ftz = ftz;
        this.boolOp = boolOp;
        this.out = out;
        this.p = p;
        this.q = q;
        this.a = a;
        this.b = b;
        this.c = c;
        this.cNegated = cNegated;
        this.truth = switch (cmp) {
            case EQ -> 0b010;
            case NE -> 0b101;
            case LT, LO -> 0b001;
            case LE, LS -> 0b011;
            case GT, HI -> 0b100;
            default -> 0b110;
        };
        this.unsignedCompare = type == TYPE_UNSIGNED || cmp >= LO;
    }

    /** The comparison an opcode part names, or -1. */
    static int of(String name) {
        return switch (name) {
            case "eq" -> EQ; case "ne" -> NE; case "lt" -> LT; case "le" -> LE; case "gt" -> GT; case "ge" -> GE;
            case "lo" -> LO; case "ls" -> LS; case "hi" -> HI; case "hs" -> HS;
            case "equ" -> EQU; case "neu" -> NEU; case "ltu" -> LTU; case "leu" -> LEU; case "gtu" -> GTU;
            case "geu" -> GEU; case "num" -> NUM; case "nan" -> NAN;
            default -> -1;
        };
    }

    @Override
    void exec(Warp w, int mask) {
        long[] r = w.regs;
        if (mask == Warp.FULL && out == OUT_PRED && boolOp == BOOL_NONE && q < 0 && type <= TYPE_UNSIGNED) {
            // The common case, an integer setp of a whole warp: one compare and one shift per lane.
            int p = this.p, a = this.a, b = this.b, truth = this.truth;
            if (bits == 32 && !unsignedCompare) {
                for (int l = 0; l < Warp.SIZE; l++) r[p + l] = (truth >>> (Integer.compare((int) r[a + l], (int) r[b + l]) + 1)) & 1;
            } else if (bits == 32) {
                for (int l = 0; l < Warp.SIZE; l++)
                    r[p + l] = (truth >>> (Integer.signum(Integer.compareUnsigned((int) r[a + l], (int) r[b + l])) + 1)) & 1;
            } else {
                for (int l = 0; l < Warp.SIZE; l++) r[p + l] = test(r[a + l], r[b + l]) ? 1 : 0;
            }
            return;
        }
        for (int m = mask; m != 0; m &= m - 1) {
            int l = Integer.numberOfTrailingZeros(m);
            boolean t = test(r[a + l], r[b + l]);
            boolean f = !t;
            if (boolOp != BOOL_NONE) {
                boolean cv = (r[c + l] != 0) != cNegated;
                t = combine(t, cv);
                f = combine(f, cv);
            }
            switch (out) {
                case OUT_PRED -> {
                    r[p + l] = t ? 1 : 0;
                    if (q >= 0) r[q + l] = f ? 1 : 0;
                }
                case OUT_INT -> r[p + l] = t ? -1L : 0;
                default -> r[p + l] = t ? Bits.bits(1.0f) : 0;
            }
        }
    }

    private boolean combine(boolean t, boolean cv) {
        return switch (boolOp) {
            case BOOL_AND -> t & cv;
            case BOOL_OR -> t | cv;
            default -> t ^ cv;
        };
    }

    private boolean test(long x, long y) {
        if (type == TYPE_SIGNED || type == TYPE_UNSIGNED) {
            int c = unsignedCompare ? Long.signum(Long.compareUnsigned(zx(x, bits), zx(y, bits)))
                    : Long.compare(sx(x, bits), sx(y, bits));
            return ((truth >>> (c + 1)) & 1) != 0;
        }
        double u, v;
        if (type == TYPE_F32) {
            float f1 = Bits.f32(x), f2 = Bits.f32(y);
            if (ftz) {
                f1 = Bits.ftz(f1);
                f2 = Bits.ftz(f2);
            }
            u = f1;
            v = f2;
        } else if (type == TYPE_F16) {
            u = Float.float16ToFloat((short) x);
            v = Float.float16ToFloat((short) y);
        } else {
            u = Bits.f64(x);
            v = Bits.f64(y);
        }
        boolean nan = Double.isNaN(u) || Double.isNaN(v);
        return switch (cmp) {
            case EQ -> !nan && u == v;
            case NE -> !nan && u != v;
            case LT -> !nan && u < v;
            case LE -> !nan && u <= v;
            case GT -> !nan && u > v;
            case GE -> !nan && u >= v;
            case EQU -> nan || u == v;
            case NEU -> nan || u != v;
            case LTU -> nan || u < v;
            case LEU -> nan || u <= v;
            case GTU -> nan || u > v;
            case GEU -> nan || u >= v;
            case NUM -> !nan;
            case NAN -> nan;
            default -> throw new IllegalStateException("float comparison " + cmp);
        };
    }
}
