package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Correctly rounded arithmetic in every rounding mode, single and double precision: the interpreter
 * must agree with the exact reference to the bit.
 */
class FloatOpsTest {
    private TestDevice dev;
    private GpuModule module;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
        module = dev.loadTestKernels("float_ops");
    }

    @AfterEach
    void close() {
        dev.close();
    }

    /** Finite, non-zero, of varied magnitude; sometimes a small integer or a simple fraction, which hits exact cases. */
    private double value() {
        if (random.nextInt(8) == 0) {
            int small = random.nextInt(40) - 20;
            return (small >= 0 ? small + 1 : small) / (double) (1 << random.nextInt(4));
        }
        double v = Math.scalb(1 + random.nextDouble(), random.nextInt(41) - 20);
        return random.nextBoolean() ? v : -v;
    }

    @Test
    void singlePrecisionIsCorrectlyRoundedInEveryMode() {
        GpuFunction f = dev.ctx().function(module, "float_ops");
        int n = 2000, ops = 36;
        float[] a = new float[n], b = new float[n], c = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) value();
            b[i] = (float) value();
            c[i] = (float) value();
        }
        long out = dev.ctx().memAlloc(4L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null,
                TestDevice.args(f, dev.upload(a), dev.upload(b), dev.upload(c), out, n));
        float[] got = dev.floats(out, n * ops);
        for (int i = 0; i < n; i++) {
            float[] want = floatReference(a[i], b[i], c[i]);
            for (int k = 0; k < ops; k++) {
                assertEquals(Float.floatToIntBits(want[k]), Float.floatToIntBits(got[i * ops + k]),
                        "op " + k + " of x=" + a[i] + " y=" + b[i] + " z=" + c[i] + ": want " + want[k] + " got " + got[i * ops + k]);
            }
        }
    }

    static float[] floatReference(float x, float y, float z) {
        float ax = Math.abs(x);
        float[] o = new float[36];
        o[0] = x + y;
        o[1] = x - y;
        o[2] = x * y;
        o[3] = x / y;
        o[4] = Math.fma(x, y, z);
        o[5] = (float) Math.sqrt(ax);
        o[6] = Math.min(x, y);
        o[7] = Math.max(x, y);
        o[8] = ax;
        o[9] = -x;
        o[10] = ExactRounding.add(x, y, 'z');
        o[11] = ExactRounding.add(x, y, 'd');
        o[12] = ExactRounding.add(x, y, 'u');
        o[13] = ExactRounding.mul(x, y, 'z');
        o[14] = ExactRounding.mul(x, y, 'd');
        o[15] = ExactRounding.mul(x, y, 'u');
        o[16] = ExactRounding.div(x, y, 'z');
        o[17] = ExactRounding.div(x, y, 'd');
        o[18] = ExactRounding.div(x, y, 'u');
        o[19] = ExactRounding.fma(x, y, z, 'z');
        o[20] = ExactRounding.fma(x, y, z, 'd');
        o[21] = ExactRounding.fma(x, y, z, 'u');
        o[22] = ExactRounding.sqrt(ax, 'z');
        o[23] = ExactRounding.sqrt(ax, 'd');
        o[24] = ExactRounding.sqrt(ax, 'u');
        o[25] = (float) Math.floor(x);
        o[26] = (float) Math.ceil(x);
        o[27] = (float) (x < 0 ? Math.ceil(x) : Math.floor(x));
        o[28] = (float) Math.rint(x);
        o[29] = (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
        o[30] = Math.copySign(x, y);
        o[31] = 1f / x;
        o[32] = ExactRounding.div(1f, x, 'z');
        o[33] = ExactRounding.div(1f, x, 'd');
        o[34] = ExactRounding.div(1f, x, 'u');
        o[35] = x > 0 ? Math.min(x, 1f) : 0f;
        return o;
    }

    @Test
    void doublePrecisionIsCorrectlyRoundedInEveryMode() {
        GpuFunction f = dev.ctx().function(module, "double_ops");
        int n = 2000, ops = 26;
        double[] a = new double[n], b = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = value() * (1 + random.nextDouble() * 1e-9);
            b[i] = value();
            c[i] = value() * (1 + random.nextDouble() * 1e-7);
        }
        long out = dev.ctx().memAlloc(8L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null,
                TestDevice.args(f, dev.upload(a), dev.upload(b), dev.upload(c), out, n));
        double[] got = dev.doubles(out, n * ops);
        for (int i = 0; i < n; i++) {
            double[] want = doubleReference(a[i], b[i], c[i]);
            for (int k = 0; k < ops; k++) {
                assertEquals(Double.doubleToLongBits(want[k]), Double.doubleToLongBits(got[i * ops + k]),
                        "op " + k + " of x=" + a[i] + " y=" + b[i] + " z=" + c[i] + ": want " + want[k] + " got " + got[i * ops + k]);
            }
        }
    }

    static double[] doubleReference(double x, double y, double z) {
        double ax = Math.abs(x);
        double[] o = new double[26];
        o[0] = x + y;
        o[1] = x - y;
        o[2] = x * y;
        o[3] = x / y;
        o[4] = Math.fma(x, y, z);
        o[5] = Math.sqrt(ax);
        o[6] = Math.min(x, y);
        o[7] = Math.max(x, y);
        o[8] = ExactRounding.add(x, y, 'z');
        o[9] = ExactRounding.add(x, y, 'd');
        o[10] = ExactRounding.add(x, y, 'u');
        o[11] = ExactRounding.mul(x, y, 'z');
        o[12] = ExactRounding.mul(x, y, 'd');
        o[13] = ExactRounding.mul(x, y, 'u');
        o[14] = ExactRounding.div(x, y, 'z');
        o[15] = ExactRounding.div(x, y, 'd');
        o[16] = ExactRounding.div(x, y, 'u');
        o[17] = ExactRounding.fma(x, y, z, 'z');
        o[18] = ExactRounding.sqrt(ax, 'd');
        o[19] = ExactRounding.sqrt(ax, 'u');
        o[20] = Math.floor(x);
        o[21] = Math.ceil(x);
        o[22] = x < 0 ? Math.ceil(x) : Math.floor(x);
        o[23] = Math.rint(x);
        o[24] = Math.copySign(Math.floor(Math.abs(x) + 0.5), x);
        o[25] = 1.0 / x;
        return o;
    }
}
