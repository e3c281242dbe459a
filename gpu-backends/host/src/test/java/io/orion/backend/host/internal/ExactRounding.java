package io.orion.backend.host.internal;

import java.math.BigDecimal;

/**
 * A reference for directed rounding that shares nothing with the interpreter's: the
 * round-to-nearest result from Java, and the exact side the true value lies on, from BigDecimal.
 */
final class ExactRounding {
    private ExactRounding() {}

    /** Sign of (exact - rounded). */
    static int side(BigDecimal exact, double rounded) {
        return exact.compareTo(new BigDecimal(rounded));
    }

    /** The result of rounding in mode 'z' (toward zero), 'd' (down) or 'u' (up), given the nearest result and the side. */
    static float directed(float nearest, int side, char mode) {
        if (side == 0) return nearest;
        return switch (mode) {
            case 'd' -> side < 0 ? Math.nextDown(nearest) : nearest;
            case 'u' -> side > 0 ? Math.nextUp(nearest) : nearest;
            default -> nearest > 0 && side < 0 ? Math.nextDown(nearest) : nearest < 0 && side > 0 ? Math.nextUp(nearest) : nearest;
        };
    }

    static double directed(double nearest, int side, char mode) {
        if (side == 0) return nearest;
        return switch (mode) {
            case 'd' -> side < 0 ? Math.nextDown(nearest) : nearest;
            case 'u' -> side > 0 ? Math.nextUp(nearest) : nearest;
            default -> nearest > 0 && side < 0 ? Math.nextDown(nearest) : nearest < 0 && side > 0 ? Math.nextUp(nearest) : nearest;
        };
    }

    static BigDecimal exact(double v) {
        return new BigDecimal(v);
    }

    static float add(float x, float y, char mode) {
        float rn = x + y;
        return directed(rn, side(exact(x).add(exact(y)), rn), mode);
    }

    static float mul(float x, float y, char mode) {
        float rn = x * y;
        return directed(rn, side(exact(x).multiply(exact(y)), rn), mode);
    }

    static float fma(float x, float y, float z, char mode) {
        float rn = Math.fma(x, y, z);
        return directed(rn, side(exact(x).multiply(exact(y)).add(exact(z)), rn), mode);
    }

    static float div(float x, float y, char mode) {
        float rn = x / y;
        int s = exact(x).subtract(exact(rn).multiply(exact(y))).signum() * (y < 0 ? -1 : 1);
        return directed(rn, s, mode);
    }

    static float sqrt(float a, char mode) {
        float rn = (float) Math.sqrt(a);
        return directed(rn, exact(a).subtract(exact(rn).multiply(exact(rn))).signum(), mode);
    }

    static double add(double x, double y, char mode) {
        double rn = x + y;
        return directed(rn, side(exact(x).add(exact(y)), rn), mode);
    }

    static double mul(double x, double y, char mode) {
        double rn = x * y;
        return directed(rn, side(exact(x).multiply(exact(y)), rn), mode);
    }

    static double fma(double x, double y, double z, char mode) {
        double rn = Math.fma(x, y, z);
        return directed(rn, side(exact(x).multiply(exact(y)).add(exact(z)), rn), mode);
    }

    static double div(double x, double y, char mode) {
        double rn = x / y;
        int s = exact(x).subtract(exact(rn).multiply(exact(y))).signum() * (y < 0 ? -1 : 1);
        return directed(rn, s, mode);
    }

    static double sqrt(double a, char mode) {
        double rn = Math.sqrt(a);
        return directed(rn, exact(a).subtract(exact(rn).multiply(exact(rn))).signum(), mode);
    }
}
