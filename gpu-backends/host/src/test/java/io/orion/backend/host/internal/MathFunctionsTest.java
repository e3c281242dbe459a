package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CUDA's math library as nvcc compiles it into PTX (hundreds of instructions per function: range
 * reduction with tables in local memory, polynomials, directed rounding) must stay within CUDA's
 * documented error bounds of the true value: 4 ulps for the single precision functions here, 2 for
 * double, plus one ulp for the reference's own rounding.
 */
class MathFunctionsTest {
    private TestDevice dev;
    private GpuModule module;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
        module = dev.loadTestKernels("math_functions");
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private static final DoubleBinaryOperator[] FLOAT_REFERENCE = {
        (x, y) -> Math.exp(x), (x, y) -> Math.pow(2, x), (x, y) -> Math.log(Math.abs(x)),
        (x, y) -> Math.log(Math.abs(x)) / Math.log(2), (x, y) -> Math.log10(Math.abs(x)), (x, y) -> Math.sin(y),
        (x, y) -> Math.cos(y), (x, y) -> Math.tan(y), (x, y) -> Math.pow(Math.abs(x), (float) (y * 0.01f)),
        (x, y) -> Math.tanh(x), (x, y) -> Math.atan(x), (x, y) -> Math.atan2(x, y), (x, y) -> Math.asin((float) (x / 100.0f)),
        (x, y) -> Math.acos((float) (x / 100.0f)), (x, y) -> Math.sinh(x), (x, y) -> Math.cosh(x), MathFunctionsTest::erf,
        (x, y) -> Math.cbrt(y), (x, y) -> Math.hypot(x, y), (x, y) -> 1 / Math.sqrt(Math.abs(y)),
    };

    private static final DoubleBinaryOperator[] DOUBLE_REFERENCE = {
        (x, y) -> Math.exp(x), (x, y) -> Math.log(Math.abs(x)), (x, y) -> Math.sin(y), (x, y) -> Math.cos(y),
        (x, y) -> Math.tan(y), (x, y) -> Math.pow(Math.abs(x), y * 0.01), (x, y) -> Math.tanh(x),
        (x, y) -> Math.atan2(x, y), (x, y) -> Math.cbrt(y), (x, y) -> Math.hypot(x, y),
    };

    /** erf by its series (accurate to double rounding for |x| < 3) and 1 beyond single precision's reach. */
    static double erf(double x, double unused) {
        if (Math.abs(x) > 5) return Math.signum(x);
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private double x() {
        return random.nextInt(10) == 0 ? new double[] {0.5, 1, -1, 2, 10, -3.5}[random.nextInt(6)] : random.nextDouble() * 20 - 10;
    }

    private double y() {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextGaussian() * 1e6; // sin/cos of large arguments: the Payne-Hanek path
            case 1 -> new double[] {Math.PI, Math.PI / 2, 1e30, -7, 100}[random.nextInt(5)];
            default -> random.nextDouble() * 200 - 100;
        };
    }

    @Test
    void singlePrecisionFunctionsAreWithinTheirErrorBounds() {
        GpuFunction f = dev.ctx().function(module, "math_float");
        int n = 1000, ops = FLOAT_REFERENCE.length;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) x();
            b[i] = (float) y();
        }
        long out = dev.ctx().memAlloc(4L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null, TestDevice.args(f, dev.upload(a), dev.upload(b), out, n));
        float[] got = dev.floats(out, n * ops);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < ops; k++) {
                float want = (float) FLOAT_REFERENCE[k].applyAsDouble(a[i], b[i]);
                float g = got[i * ops + k];
                assertTrue(within(want, g, 5), "function " + k + " of x=" + a[i] + " y=" + b[i] + ": want " + want + " got " + g);
            }
        }
    }

    @Test
    void doublePrecisionFunctionsAreWithinTheirErrorBounds() {
        GpuFunction f = dev.ctx().function(module, "math_double");
        int n = 1000, ops = DOUBLE_REFERENCE.length;
        double[] a = new double[n], b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = x();
            b[i] = y();
        }
        long out = dev.ctx().memAlloc(8L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null, TestDevice.args(f, dev.upload(a), dev.upload(b), out, n));
        double[] got = dev.doubles(out, n * ops);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < ops; k++) {
                double want = DOUBLE_REFERENCE[k].applyAsDouble(a[i], b[i]);
                double g = got[i * ops + k];
                assertTrue(within(want, g, 3), "function " + k + " of x=" + a[i] + " y=" + b[i] + ": want " + want + " got " + g);
            }
        }
    }

    private static boolean within(float want, float got, int ulps) {
        if (Float.isNaN(want) || Float.isInfinite(want)) return Float.compare(want, got) == 0;
        return Math.abs((double) want - got) <= ulps * (double) Math.ulp(want);
    }

    private static boolean within(double want, double got, int ulps) {
        if (Double.isNaN(want) || Double.isInfinite(want)) return Double.compare(want, got) == 0;
        return Math.abs(want - got) <= ulps * Math.ulp(want);
    }
}
