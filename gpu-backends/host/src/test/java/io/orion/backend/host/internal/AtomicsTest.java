package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every atomic operation, on global memory from blocks running in parallel on several workers and
 * on shared memory within blocks (add, min, max, xor, and, or, exchange, compare-and-swap, increment):
 * the final values must be exactly those of some serial order.
 */
class AtomicsTest {
    private TestDevice dev;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice(256, 4); // more workers than cores: blocks really interleave
    }

    @AfterEach
    void close() {
        dev.close();
    }

    @Test
    void atomicsGiveTheResultsOfASerialOrder() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("atomics"), "atomics");
        int n = 3000;
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = random.nextInt();
        int[] g = {0, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 0, -1, 0, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, 0};
        int[] u = {0, 0, 0, -1};
        long pg = dev.upload(g), pu = dev.upload(u), fsum = dev.upload(new float[1]), dsum = dev.upload(new double[1]);
        long u64 = dev.upload(new long[2]), s64 = dev.upload(new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        long exchanged = dev.ctx().memAlloc(4L * n);
        int threads = 128, blocks = (n + threads - 1) / threads;
        long perBlock = dev.ctx().memAlloc(4L * 5 * blocks), sharedExchanged = dev.ctx().memAlloc(4L * n);
        dev.ctx().launch(f, Dim3.of(blocks), Dim3.of(threads), 0, null,
                TestDevice.args(f, dev.upload(v), n, pg, pu, fsum, dsum, u64, s64, exchanged, perBlock, sharedExchanged));

        int sum = 0, and = -1, or = 0, xor = 0, min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        long umax = 0, umin = 0xffff_ffffL, usum = 0, u3max = 0, smin = Long.MAX_VALUE, smax = Long.MIN_VALUE;
        float fs = 0;
        double ds = 0;
        for (int x : v) {
            sum += x;
            and &= x | 0x10000;
            or |= x & 0x7f7f;
            xor ^= x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            long ux = x & 0xffff_ffffL;
            umax = Math.max(umax, ux);
            umin = Math.min(umin, ux);
            usum += ux;
            u3max = Long.compareUnsigned(ux * 3, u3max) > 0 ? ux * 3 : u3max;
            smin = Math.min(smin, x * 1000L);
            smax = Math.max(smax, x * 1000L);
            fs += x & 1023;
            ds += x * 0.25;
        }
        int[] gotG = dev.ints(pg, g.length);
        assertEquals(sum, gotG[0], "add");
        assertEquals(-sum, gotG[1], "sub");
        assertEquals(min, gotG[2], "min");
        assertEquals(max, gotG[3], "max");
        assertEquals(and, gotG[4], "and");
        assertEquals(or, gotG[5], "or");
        assertEquals(xor, gotG[6], "xor");
        assertEquals(3 * n, gotG[8], "compare-and-swap loop");
        assertEquals(n, gotG[9], "shared add");
        assertEquals(max, gotG[10], "shared max");
        assertEquals(min, gotG[11], "shared min");
        assertEquals(xor, gotG[12], "shared xor");
        // Exchange: the old values and the final value are the initial -1 and every thread's index, once each.
        int[] seen = Arrays.copyOf(dev.ints(exchanged, n), n + 1);
        seen[n] = gotG[7];
        Arrays.sort(seen);
        int[] expected = new int[n + 1];
        for (int i = 0; i <= n; i++) expected[i] = i - 1;
        assertArrayEquals(expected, seen, "exchange");
        int[] gotU = dev.ints(pu, 4);
        assertEquals(n % 1001, gotU[0], "inc wraps at 1000");
        assertEquals((1001 - n % 1001) % 1001, gotU[1], "dec wraps from 0 to 1000");
        assertEquals((int) umax, gotU[2], "unsigned max");
        assertEquals((int) umin, gotU[3], "unsigned min");
        assertEquals(fs, dev.floats(fsum, 1)[0], 0f, "float add (exact: integers below 2^24)");
        assertEquals(ds, dev.doubles(dsum, 1)[0], 0.0, "double add (exact)");
        assertArrayEquals(new long[] {usum, u3max}, dev.longs(u64, 2), "64-bit unsigned add and max");
        assertArrayEquals(new long[] {smin, smax}, dev.longs(s64, 2), "64-bit signed min and max");
        assertSharedPerBlock(v, threads, dev.ints(perBlock, 5 * blocks), dev.ints(sharedExchanged, n));
    }

    /**
     * The shared-memory and, or, exchange, compare-and-swap and increment of each block (the last one
     * partly filled): the same serial-order results as on global memory, block by block.
     */
    private static void assertSharedPerBlock(int[] v, int threads, int[] perBlock, int[] sharedExchanged) {
        int n = v.length;
        for (int b = 0; b * threads < n; b++) {
            int first = b * threads, count = Math.min(threads, n - first);
            int and = -1, or = 0;
            for (int i = first; i < first + count; i++) {
                and &= v[i] | 0x10000;
                or |= v[i] & 0x7f7f;
            }
            String block = "block " + b + ": shared ";
            assertEquals(and, perBlock[5 * b], block + "and");
            assertEquals(or, perBlock[5 * b + 1], block + "or");
            // Exchange: the old values and the final value are the initial -1 and every thread index, once each.
            int[] seen = Arrays.copyOfRange(sharedExchanged, first, first + count + 1);
            seen[count] = perBlock[5 * b + 2];
            Arrays.sort(seen);
            int[] expected = new int[count + 1];
            for (int t = 0; t <= count; t++) expected[t] = t - 1;
            assertArrayEquals(expected, seen, block + "exchange");
            assertEquals(5 * count, perBlock[5 * b + 3], block + "compare-and-swap loop");
            assertEquals(count % 101, perBlock[5 * b + 4], block + "inc wraps at 100");
        }
    }
}
