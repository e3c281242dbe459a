package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cvt} in all its forms, through nvcc's code for CUDA's conversion intrinsics: float to
 * integer (rounding, saturation), integer to float (directed rounding of values that do not fit),
 * narrowing double to float, half precision, and integer narrowing with sign or zero extension.
 */
class ConversionsTest {
    private TestDevice dev;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private double wide() {
        return switch (random.nextInt(6)) {
            case 0 -> (random.nextInt(2001) - 1000) / 4.0; // halves and quarters: rounding ties
            case 1 -> random.nextGaussian() * 1e10; // beyond int
            case 2 -> random.nextGaussian() * 1e20; // beyond long
            case 3 -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 2147483647.5, -2147483648.5,
                    4294967295.7, 9.3e18, 1.9e19}[random.nextInt(8)];
            default -> random.nextGaussian() * 1e5;
        };
    }

    private long aLong() {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong() >>> random.nextInt(64);
            case 2 -> (1L << 53) + random.nextInt(1000) * 2L + 1; // not representable in double
            default -> random.nextLong();
        };
    }

    @Test
    void conversionsMatchTheExactReference() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("conversions"), "conversions");
        int n = 3000, ops = 32;
        float[] fs = new float[n];
        double[] ds = new double[n];
        long[] ls = new long[n];
        for (int i = 0; i < n; i++) {
            fs[i] = (float) wide();
            ds[i] = wide() * (1 + random.nextDouble() * 1e-8);
            ls[i] = aLong();
        }
        long out = dev.ctx().memAlloc(8L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null,
                TestDevice.args(f, dev.upload(fs), dev.upload(ds), dev.upload(ls), out, n));
        long[] got = dev.longs(out, n * ops);
        for (int i = 0; i < n; i++) {
            long[] want = reference(fs[i], ds[i], ls[i]);
            for (int k = 0; k < ops; k++)
                assertEquals(want[k], got[i * ops + k], "conversion " + k + " of f=" + fs[i] + " d=" + ds[i] + " l=" + ls[i]);
        }
    }

    /** Integer result of rounding {@code v} to an integer in [lo, hi]; NaN gives 0, as PTX's cvt. */
    private static long clamp(double v, double lo, double hi) {
        if (Double.isNaN(v)) return 0;
        if (v <= lo) return lo == -0x1p63 ? Long.MIN_VALUE : (long) lo;
        if (v >= hi) return hi == 0x1p64 ? -1L : hi == 0x1p63 ? Long.MAX_VALUE : (long) hi;
        if (v >= 0x1p63) return new BigDecimal(v).toBigInteger().longValue();
        return (long) v;
    }

    private static long toU32(double v) {
        return clamp(v, 0, 4294967295.0);
    }

    private static long toI32(double v) {
        return clamp(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static float toFloat(BigDecimal exact, char mode) {
        float rn = exact.floatValue();
        return mode == 'n' ? rn : ExactRounding.directed(rn, ExactRounding.side(exact, rn), mode);
    }

    private static double toDouble(BigDecimal exact, char mode) {
        double rn = exact.doubleValue();
        return mode == 'n' ? rn : ExactRounding.directed(rn, ExactRounding.side(exact, rn), mode);
    }

    static long[] reference(float x, double y, long v) {
        BigDecimal signed = BigDecimal.valueOf(v);
        BigDecimal unsigned = new BigDecimal(Long.toUnsignedString(v));
        BigDecimal i32 = BigDecimal.valueOf((int) v);
        long[] o = new long[32];
        o[0] = toI32(Math.rint(x));
        o[1] = toI32(x < 0 ? Math.ceil(x) : Math.floor(x));
        o[2] = toI32(Math.floor(x));
        o[3] = toI32(Math.ceil(x));
        o[4] = toU32(Math.rint(x));
        o[5] = clamp(x < 0 ? Math.ceil(x) : Math.floor(x), -0x1p63, 0x1p63);
        o[6] = clamp(Math.floor(x), 0, 0x1p64);
        o[7] = toI32(Math.rint(y));
        o[8] = clamp(Math.ceil(y), -0x1p63, 0x1p63);
        o[9] = clamp(y < 0 ? Math.ceil(y) : Math.floor(y), 0, 0x1p64);
        o[10] = Float.floatToIntBits(toFloat(i32, 'n'));
        o[11] = Float.floatToIntBits(toFloat(i32, 'z'));
        o[12] = Float.floatToIntBits(toFloat(i32, 'd'));
        o[13] = Float.floatToIntBits(toFloat(i32, 'u'));
        o[14] = Float.floatToIntBits(toFloat(BigDecimal.valueOf(v & 0xffff_ffffL), 'n'));
        o[15] = Float.floatToIntBits(toFloat(signed, 'n'));
        o[16] = Float.floatToIntBits(toFloat(signed, 'z'));
        o[17] = Float.floatToIntBits(toFloat(unsigned, 'u'));
        o[18] = Double.doubleToLongBits(toDouble(signed, 'n'));
        o[19] = Double.doubleToLongBits(toDouble(signed, 'd'));
        o[20] = Double.doubleToLongBits(toDouble(unsigned, 'u'));
        o[21] = Float.floatToIntBits((float) y);
        o[22] = Float.floatToIntBits(narrow(y, 'z'));
        o[23] = Float.floatToIntBits(narrow(y, 'd'));
        o[24] = Float.floatToIntBits(narrow(y, 'u'));
        o[25] = Double.doubleToLongBits(x);
        o[26] = Float.floatToFloat16(x) & 0xffff;
        o[27] = Float.floatToRawIntBits(Float.float16ToFloat((short) v)); // a NaN keeps its payload
        o[28] = toI32(x < 0 ? Math.ceil(x) : Math.floor(x));
        o[29] = toU32(y < 0 ? Math.ceil(y) : Math.floor(y));
        o[30] = (short) v + (byte) (v >> 8);
        o[31] = (v & 0xffff) + ((v >> 8) & 0xff);
        return o;
    }

    private static float narrow(double y, char mode) {
        if (Double.isInfinite(y) || y == 0) return (float) y; // BigDecimal would lose the sign of zero
        if (Math.abs(y) > Float.MAX_VALUE) {
            boolean up = y > 0;
            return switch (mode) {
                case 'z' -> up ? Float.MAX_VALUE : -Float.MAX_VALUE;
                case 'd' -> up ? Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
                default -> up ? Float.POSITIVE_INFINITY : -Float.MAX_VALUE;
            };
        }
        return toFloat(new BigDecimal(y), mode);
    }
}
