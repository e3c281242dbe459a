package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cooperative groups and half precision, as CUDA's headers write them (inline assembly). */
class HalfAndGroupsTest {
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

    private static short half(double v) {
        return Float.floatToFloat16((float) v);
    }

    /** The half nearest to an exact value (ties to even), by comparing the candidates around it. */
    static int nearestHalf(double exact) {
        int guess = half(exact) & 0xffff;
        int best = guess;
        for (int candidate : new int[] {guess - 1, guess + 1}) {
            if ((candidate & 0x8000) != (guess & 0x8000) || (candidate & 0x7c00) == 0x7c00) continue;
            double dc = Math.abs(Float.float16ToFloat((short) candidate) - exact);
            double db = Math.abs(Float.float16ToFloat((short) best) - exact);
            if (dc < db || (dc == db && (candidate & 1) == 0)) best = candidate;
        }
        return best;
    }

    @Test
    void tilesReduceAndHalvesPack() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("half_and_groups"), "half_and_groups");
        int n = 512;
        float[] in = new float[n];
        for (int i = 0; i < n; i++) in[i] = random.nextFloat() * 4 - 2;
        int tiles = n / 32;
        long halves = dev.ctx().memAlloc(12L * n), sums = dev.ctx().memAlloc(4L * tiles), counts = dev.ctx().memAlloc(4L * tiles);
        long ballots = dev.ctx().memAlloc(4L * tiles);
        dev.ctx().launch(f, Dim3.of(n / 128), Dim3.of(128), 0, null, TestDevice.args(f, dev.upload(in), halves, sums, counts, ballots, n));
        int[] h = dev.ints(halves, 3 * n);
        float[] s = dev.floats(sums, tiles);
        int[] c = dev.ints(counts, tiles);
        int[] b = dev.ints(ballots, tiles);
        for (int t = 0; t < tiles; t++) {
            double sum = 0;
            int positive = 0, ballot = 0;
            for (int l = 0; l < 32; l++) {
                float v = in[t * 32 + l];
                sum += v;
                if (v > 0) positive++;
                if (v > 0.5f) ballot |= 1 << l;
            }
            assertEquals(sum, s[t], 32 * Math.ulp(64f), "tile sum " + t);
            assertEquals(positive, c[t], "tile count " + t);
            assertEquals(ballot, b[t], "tile ballot " + t);
        }
        for (int i = 0; i < n; i++) {
            short x = half(in[i]), y = half(2.0 * in[i]);
            assertEquals((x & 0xffff) | (y & 0xffff) << 16, h[3 * i], "packed pair of " + in[i]);
            float px = Float.float16ToFloat(x), py = Float.float16ToFloat(y);
            short xx = half(px * px), yy = half(py * py);
            assertEquals((xx & 0xffff) | (yy & 0xffff) << 16, h[3 * i + 1], "product of " + in[i]);
            double ex = (double) px * Float.float16ToFloat(xx) + px, ey = (double) py * Float.float16ToFloat(yy) + py;
            assertEquals(nearestHalf(ex) | nearestHalf(ey) << 16, h[3 * i + 2], "fma of " + in[i]);
        }
    }
}
