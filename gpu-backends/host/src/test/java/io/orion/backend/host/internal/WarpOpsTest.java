package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shuffles, votes, ballots, match, reduce and the active mask, against a Java model of a warp. */
class WarpOpsTest {
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

    @Test
    void warpPrimitivesSeeTheWholeWarp() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("warp_ops"), "warp_ops");
        int warps = 8, n = warps * 32, ops = 20;
        int[] in = new int[n];
        for (int i = 0; i < n; i++) in[i] = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(2000) - 200;
        for (int i = 32; i < 64; i++) in[i] = (in[i] & 0x3fffffff) | 0x40000000; // warp 1: equal top bits, match.all holds
        long out = dev.ctx().memAlloc(4L * n * ops);
        dev.ctx().launch(f, Dim3.of(warps / 2), Dim3.of(64), 0, null, TestDevice.args(f, dev.upload(in), out));
        int[] got = dev.ints(out, n * ops);
        for (int w = 0; w < warps; w++) {
            int[] v = new int[32];
            System.arraycopy(in, w * 32, v, 0, 32);
            for (int lane = 0; lane < 32; lane++) {
                int[] want = reference(v, lane);
                for (int k = 0; k < ops; k++)
                    assertEquals(want[k], got[(w * 32 + lane) * ops + k], "op " + k + ", warp " + w + ", lane " + lane);
            }
        }
    }

    static int[] reference(int[] v, int lane) {
        int[] o = new int[20];
        o[0] = v[(lane * 7) & 31];
        o[1] = lane >= 3 ? v[lane - 3] : v[lane];
        o[2] = lane + 5 <= 31 ? v[lane + 5] : v[lane];
        o[3] = v[lane ^ 6];
        o[4] = v[(lane / 8) * 8 + (lane + 1) % 8];
        o[5] = lane % 16 >= 2 ? v[lane - 2] : v[lane];
        o[6] = lane % 4 + 3 < 4 ? v[lane + 3] : v[lane];
        o[7] = v[lane ^ 1];
        int odd = 0, any = 0, all = 1, sum = 0, minimum = Integer.MAX_VALUE;
        long maximum = 0;
        boolean sameTop = true;
        for (int l = 0; l < 32; l++) {
            if ((v[l] & 1) != 0) odd |= 1 << l;
            if (v[l] > 1000) any = 1;
            if (v[l] <= -1000000) all = 0;
            sum += v[l];
            maximum = Math.max(maximum, v[l] & 0xffff_ffffL);
            minimum = Math.min(minimum, v[l]);
            if (v[l] >> 30 != v[0] >> 30) sameTop = false;
        }
        o[8] = odd;
        o[9] = any;
        o[10] = all;
        o[11] = (v[lane] & 1) != 0 ? odd : 0;
        o[12] = (v[lane] & 1) != 0 ? v[Integer.numberOfTrailingZeros(odd)] : 0;
        o[13] = sum;
        o[14] = (int) maximum;
        o[15] = minimum;
        int same = 0;
        for (int l = 0; l < 32; l++) if ((v[l] & 3) == (v[lane] & 3)) same |= 1 << l;
        o[16] = same;
        o[17] = sameTop ? -1 : 0;
        o[18] = sameTop ? 1 : 0;
        o[19] = lane + 1 <= 31 ? v[lane + 1] : v[lane];
        return o;
    }
}
