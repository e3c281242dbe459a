package io.orion.backend.host.internal.interp;

/**
 * IEEE rounding modes other than round-to-nearest, which Java arithmetic gives directly. PTX names
 * them on arithmetic ({@code add.rz.f64}, {@code fma.rm.f32}); CUDA's math library relies on them.
 * Each operation is computed in round-to-nearest together with the sign of its rounding error
 * (exact via TwoSum/FMA), and the result is moved one ulp where the mode demands.
 */
final class Rounding {
    private Rounding() {}

    static final int RN = 0;
    static final int RZ = 1;
    static final int RM = 2;
    static final int RP = 3;

    /** The mode a PTX modifier names ({@code rn}, {@code rz}, {@code rm}, {@code rp}; the integer forms too), or -1. */
    static int of(String modifier) {
        return switch (modifier) {
            case "rn", "rni" -> RN;
            case "rz", "rzi" -> RZ;
            case "rm", "rmi" -> RM;
            case "rp", "rpi" -> RP;
            default -> -1;
        };
    }

    /** The rounding error of {@code s = a + b} (exact). */
    static double twoSumError(double a, double b, double s) {
        double bb = s - a;
        return (a - (s - bb)) + (b - bb);
    }

    /**
     * Rounds the exact value {@code hi + lo} to float in {@code mode}; {@code hi} is the value
     * rounded to double, {@code lo} carries the sign of what that rounding dropped.
     */
    static float toFloat(double hi, double lo, int mode) {
        float f = (float) hi;
        if (Double.isNaN(hi)) return f;
        if (Float.isInfinite(f) && !Double.isInfinite(hi)) return overflowF(hi, mode);
        double diff = hi - f;
        int sign = diff > 0 ? 1 : diff < 0 ? -1 : lo > 0 ? 1 : lo < 0 ? -1 : 0;
        if (sign == 0) return f;
        switch (mode) {
            case RN -> {
                // hi may sit exactly between two floats while the dropped part breaks the tie.
                if (lo != 0 && diff != 0) {
                    float other = diff > 0 ? Math.nextUp(f) : Math.nextDown(f);
                    if (Math.abs(hi - f) == Math.abs((double) other - hi) && (lo > 0) == (diff > 0)) return other;
                }
                return f;
            }
            case RZ -> {
                if (sign < 0 && f > 0) return Math.nextDown(f);
                if (sign > 0 && f < 0) return Math.nextUp(f);
                return f;
            }
            case RM -> {
                return sign < 0 ? Math.nextDown(f) : f;
            }
            default -> {
                return sign > 0 ? Math.nextUp(f) : f;
            }
        }
    }

    private static float overflowF(double hi, int mode) {
        boolean positive = hi > 0;
        return switch (mode) {
            case RZ -> positive ? Float.MAX_VALUE : -Float.MAX_VALUE;
            case RM -> positive ? Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
            case RP -> positive ? Float.POSITIVE_INFINITY : -Float.MAX_VALUE;
            default -> positive ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        };
    }

    /**
     * Corrects a round-to-nearest double result {@code r} whose exact value is {@code r + err}
     * (only the sign of {@code err} matters) to {@code mode}. {@code finiteInputs} tells an
     * overflow from an infinite operand.
     */
    static double adjust(double r, double err, int mode, boolean finiteInputs) {
        if (mode == RN || Double.isNaN(r)) return r;
        if (Double.isInfinite(r)) {
            if (!finiteInputs) return r;
            boolean positive = r > 0;
            return switch (mode) {
                case RZ -> positive ? Double.MAX_VALUE : -Double.MAX_VALUE;
                case RM -> positive ? Double.MAX_VALUE : r;
                default -> positive ? r : -Double.MAX_VALUE;
            };
        }
        if (err == 0 || Double.isNaN(err)) return r;
        return switch (mode) {
            case RZ -> err < 0 && r > 0 ? Math.nextDown(r) : err > 0 && r < 0 ? Math.nextUp(r) : r;
            case RM -> err < 0 ? Math.nextDown(r) : r;
            default -> err > 0 ? Math.nextUp(r) : r;
        };
    }

    // ---- the operations -----------------------------------------------------------------------

    static float add(float a, float b, int mode) {
        if (mode == RN) return a + b;
        double s = (double) a + b;
        return toFloat(s, twoSumError(a, b, s), mode);
    }

    static float mul(float a, float b, int mode) {
        if (mode == RN) return a * b;
        return toFloat((double) a * b, 0, mode); // exact in double
    }

    static float div(float a, float b, int mode) {
        if (mode == RN) return a / b;
        double q = (double) a / b;
        double rem = Math.fma(-q, b, a);
        return toFloat(q, b < 0 ? -rem : rem, mode);
    }

    static float sqrt(float a, int mode) {
        double s = Math.sqrt(a);
        if (mode == RN) return (float) s;
        return toFloat(s, Math.fma(-s, s, a), mode);
    }

    static float fma(float a, float b, float c, int mode) {
        if (mode == RN) return Math.fma(a, b, c);
        double p = (double) a * b;
        double s = p + c;
        return toFloat(s, twoSumError(p, c, s), mode);
    }

    static double add(double a, double b, int mode) {
        double s = a + b;
        if (mode == RN) return s;
        return adjust(s, twoSumError(a, b, s), mode, Double.isFinite(a) && Double.isFinite(b));
    }

    static double mul(double a, double b, int mode) {
        double p = a * b;
        if (mode == RN) return p;
        return adjust(p, Math.fma(a, b, -p), mode, Double.isFinite(a) && Double.isFinite(b));
    }

    static double div(double a, double b, int mode) {
        double q = a / b;
        if (mode == RN) return q;
        double rem = Math.fma(-q, b, a);
        return adjust(q, b < 0 ? -rem : rem, mode, Double.isFinite(a) && Double.isFinite(b) && b != 0);
    }

    static double sqrt(double a, int mode) {
        double s = Math.sqrt(a);
        if (mode == RN) return s;
        return adjust(s, Math.fma(-s, s, a), mode, true);
    }

    static double fma(double a, double b, double c, int mode) {
        double r = Math.fma(a, b, c);
        if (mode == RN) return r;
        double p = a * b;
        double pe = Math.fma(a, b, -p);
        double s = p + c;
        double err = (s - r) + (twoSumError(p, c, s) + pe);
        return adjust(r, err, mode, Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c));
    }
}
