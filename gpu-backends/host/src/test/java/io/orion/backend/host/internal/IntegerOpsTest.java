package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The integer kernels of src/test/resources/cuda (nvcc output) against Java's own arithmetic. */
class IntegerOpsTest {
    private static final int[] EDGES = {0, 1, -1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 33, 0x7777, 0x80000001};
    private static final long[] LONG_EDGES = {0, 1, -1, 63, 64, 65, Long.MIN_VALUE, Long.MAX_VALUE, 0xffffffffL, 1L << 32};

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

    private int anInt() {
        return random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextInt();
    }

    private long aLong() {
        return random.nextInt(4) == 0 ? LONG_EDGES[random.nextInt(LONG_EDGES.length)] : random.nextLong();
    }

    @Test
    void thirtyTwoBitOperationsMatchJava() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("int_ops"), "int_ops");
        int n = 3000, ops = 40;
        int[] a = new int[n], b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = anInt();
            b[i] = anInt();
        }
        long out = dev.ctx().memAlloc(4L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 127) / 128), Dim3.of(128), 0, null, TestDevice.args(f, dev.upload(a), dev.upload(b), out, n));
        int[] got = dev.ints(out, n * ops);
        for (int i = 0; i < n; i++) {
            int[] want = intReference(a[i], b[i]);
            for (int k = 0; k < ops; k++)
                assertEquals(want[k], got[i * ops + k], "op " + k + " of x=" + a[i] + " y=" + b[i]);
        }
    }

    static int[] intReference(int x, int y) {
        long ux = x & 0xffff_ffffL, uy = y & 0xffff_ffffL;
        boolean divides = y != 0 && !(x == Integer.MIN_VALUE && y == -1);
        int s = y & 31;
        long wide = (uy << 32) | ux;
        int[] o = new int[40];
        o[0] = x + y;
        o[1] = x - y;
        o[2] = x * y;
        o[3] = divides ? x / y : 0;
        o[4] = divides ? x % y : 0;
        o[5] = uy != 0 ? (int) (ux / uy) : 0;
        o[6] = uy != 0 ? (int) (ux % uy) : 0;
        o[7] = Math.min(x, y);
        o[8] = Math.max(x, y);
        o[9] = (int) Math.min(ux, uy);
        o[10] = (int) Math.max(ux, uy);
        o[11] = Math.abs(x);
        o[12] = x << s;
        o[13] = x >> s;
        o[14] = x >>> s;
        o[15] = x & y;
        o[16] = x | y;
        o[17] = x ^ y;
        o[18] = ~x;
        o[19] = Integer.bitCount(x);
        o[20] = Integer.numberOfLeadingZeros(x);
        o[21] = Integer.reverse(x);
        o[22] = x == 0 ? 0 : Integer.numberOfTrailingZeros(x) + 1;
        o[23] = (int) (((long) x * y) >> 32);
        o[24] = (int) ((ux * uy) >>> 32);
        int selector = y & 0x7777;
        long bytes = (uy << 32) | ux;
        int perm = 0;
        for (int i = 0; i < 4; i++) perm |= (int) ((bytes >>> (8 * ((selector >>> (4 * i)) & 7))) & 0xff) << (8 * i);
        o[25] = perm;
        o[26] = (int) ((wide << s) >>> 32);
        o[27] = (int) (wide >>> s);
        int clamped = (int) Math.min(uy, 32);
        o[28] = (int) ((wide << clamped) >>> 32);
        o[29] = (int) (wide >>> clamped);
        o[30] = (int) (Math.abs((long) x - y) + 7);
        o[31] = (int) (Math.abs(ux - uy) + 9);
        o[32] = (x < y ? 1 : 0) + 2 * (ux < uy ? 1 : 0) + 4 * (x == y ? 1 : 0) + 8 * (x >= y ? 1 : 0) + 16 * (ux >= uy ? 1 : 0)
                + 32 * (x != y ? 1 : 0) + 64 * (ux <= uy ? 1 : 0);
        o[33] = (byte) x + (short) y + (x & 0xff) * 3 + (y & 0xffff);
        o[34] = (int) (((long) x + y) >> 1);
        o[35] = (int) (((long) x + y + 1) >> 1);
        o[36] = (int) ((ux + uy) >>> 1);
        o[37] = ((x << 8) >> 8) * ((y << 8) >> 8);
        o[38] = (x & 0xffffff) * (y & 0xffffff);
        o[39] = x > 0 ? x * 3 : y - 7;
        return o;
    }

    @Test
    void sixtyFourBitOperationsMatchJava() {
        GpuFunction f = dev.ctx().function(dev.loadTestKernels("long_ops"), "long_ops");
        int n = 2000, ops = 24;
        long[] a = new long[n], b = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = aLong();
            b[i] = aLong();
        }
        long out = dev.ctx().memAlloc(8L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + 63) / 64), Dim3.of(64), 0, null, TestDevice.args(f, dev.upload(a), dev.upload(b), out, n));
        long[] got = dev.longs(out, n * ops);
        for (int i = 0; i < n; i++) {
            long[] want = longReference(a[i], b[i]);
            for (int k = 0; k < ops; k++)
                assertEquals(want[k], got[i * ops + k], "op " + k + " of x=" + a[i] + " y=" + b[i]);
        }
    }

    static long[] longReference(long x, long y) {
        boolean divides = y != 0 && !(x == Long.MIN_VALUE && y == -1);
        int s = (int) (y & 63);
        long[] o = new long[24];
        o[0] = x + y;
        o[1] = x - y;
        o[2] = x * y;
        o[3] = divides ? x / y : 0;
        o[4] = divides ? x % y : 0;
        o[5] = y != 0 ? Long.divideUnsigned(x, y) : 0;
        o[6] = y != 0 ? Long.remainderUnsigned(x, y) : 0;
        o[7] = Math.min(x, y);
        o[8] = Math.max(x, y);
        o[9] = Long.compareUnsigned(x, y) <= 0 ? x : y;
        o[10] = Long.compareUnsigned(x, y) >= 0 ? x : y;
        o[11] = x << s;
        o[12] = x >> s;
        o[13] = x >>> s;
        o[14] = Long.bitCount(x);
        o[15] = Long.numberOfLeadingZeros(x);
        o[16] = Long.reverse(x);
        o[17] = x == 0 ? 0 : Long.numberOfTrailingZeros(x) + 1;
        o[18] = Math.multiplyHigh(x, y);
        o[19] = Math.unsignedMultiplyHigh(x, y);
        o[20] = (x < y ? 1 : 0) + 2 * (Long.compareUnsigned(x, y) < 0 ? 1 : 0) + 4 * (x == y ? 1 : 0)
                + 8 * (Long.compareUnsigned(x, y) >= 0 ? 1 : 0);
        o[21] = (long) (int) x + (y & 0xffff_ffffL);
        o[22] = (x ^ y) & ~(x | 0x0f0f0f0f0f0f0f0fL);
        o[23] = Math.abs(x);
        return o;
    }
}
