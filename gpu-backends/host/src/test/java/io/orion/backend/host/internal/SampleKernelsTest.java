package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kernel of samples/kernels, compiled by nvcc in the build, run by the interpreter on fresh
 * random inputs and compared with a Java reference: exactly for integers, within the rounding of
 * a different summation order for floats (the warp reduction sums small integers, exact in any order).
 * Each is loaded from PTX, from the default (compressed) fat binary, from the uncompressed one, and as
 * PTX of a debug build (nvcc -G). Each test prints its random seed; -Dorion.samples.seed=N reruns it.
 */
class SampleKernelsTest {
    private TestDevice dev;
    private Random random;

    @BeforeEach
    void open(TestInfo test) {
        dev = new TestDevice();
        // Fresh inputs every run, but reproducible: the seed is logged, and -Dorion.samples.seed=N reruns it.
        long seed = Long.getLong("orion.samples.seed", System.nanoTime());
        System.out.println(test.getTestMethod().map(m -> m.getName()).orElse("?") + " " + test.getDisplayName()
                + ": random seed " + seed + " (rerun with -Dorion.samples.seed=" + seed + ")");
        random = new Random(seed);
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private GpuModule module(String kernel, String form) {
        String file = switch (form) {
            case "ptx" -> kernel + ".ptx";
            case "fatbin" -> kernel + ".fatbin";
            case "debug" -> null;
            default -> kernel + ".uncompressed.fatbin";
        };
        // "debug": the same kernel built with nvcc -G (src/test/resources/cuda/debug, see regenerate.sh there)
        return file == null ? dev.loadTestKernels("debug/" + kernel) : dev.load(TestDevice.kernelFile(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void vectorAdd(String form) {
        GpuFunction f = dev.ctx().function(module("vector_add", form), "vector_add");
        int n = 10_000 + random.nextInt(5_000);
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 100 - 50;
            b[i] = random.nextFloat() * 100 - 50;
        }
        long pa = dev.upload(a), pb = dev.upload(b), pc = dev.ctx().memAlloc(4L * n);
        dev.ctx().launch(f, Dim3.of(20), Dim3.of(128), 0, null, TestDevice.args(f, pa, pb, pc, n));
        float[] c = dev.floats(pc, n);
        for (int i = 0; i < n; i++) assertEquals(a[i] + b[i], c[i], 0f, "element " + i); // one rounding, exact
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void reduceSum(String form) {
        GpuFunction f = dev.ctx().function(module("reduce_sum", form), "reduce_sum");
        int n = 50_000 + random.nextInt(10_000);
        int[] in = new int[n];
        long expected = 0;
        for (int i = 0; i < n; i++) {
            in[i] = random.nextInt(2001) - 1000;
            expected += in[i];
        }
        int blocks = 24, threads = 256;
        long pin = dev.upload(in), partial = dev.ctx().memAlloc(4L * blocks);
        dev.ctx().launch(f, Dim3.of(blocks), Dim3.of(threads), threads * 4, null, TestDevice.args(f, pin, partial, n));
        long sum = 0;
        for (int p : dev.ints(partial, blocks)) sum += p;
        assertEquals(expected, sum);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void matmulTiled(String form) {
        GpuFunction f = dev.ctx().function(module("matmul_tiled", form), "matmul_tiled");
        int m = 37 + random.nextInt(20), n = 29 + random.nextInt(20), k = 45 + random.nextInt(20);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = random.nextFloat() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = random.nextFloat() * 2 - 1;
        long pa = dev.upload(a), pb = dev.upload(b), pc = dev.ctx().memAlloc(4L * m * n);
        dev.ctx().launch(f, new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1), 0, null,
                TestDevice.args(f, pa, pb, pc, m, n, k));
        float[] c = dev.floats(pc, m * n);
        for (int r = 0; r < m; r++) {
            for (int col = 0; col < n; col++) {
                double ref = 0, magnitude = 0;
                for (int i = 0; i < k; i++) {
                    ref += (double) a[r * k + i] * b[i * n + col];
                    magnitude += Math.abs((double) a[r * k + i] * b[i * n + col]);
                }
                // k fused multiply-adds in single precision: each rounds by at most half an ulp of the running sum.
                assertEquals(ref, c[r * n + col], k * Math.ulp((float) magnitude), "C[" + r + "][" + col + "]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void histogram(String form) {
        GpuFunction f = dev.ctx().function(module("histogram", form), "histogram");
        int n = 40_000 + random.nextInt(10_000);
        byte[] data = new byte[n];
        random.nextBytes(data);
        int[] expected = new int[256];
        for (byte v : data) expected[v & 0xff]++;
        long pd = dev.upload(data), bins = dev.ctx().memAlloc(4 * 256);
        dev.ctx().memsetD8(bins, 0, 4 * 256, null);
        dev.ctx().launch(f, Dim3.of(16), Dim3.of(192), 0, null, TestDevice.args(f, pd, bins, n));
        assertArrayEquals(expected, dev.ints(bins, 256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void warpReduce(String form) {
        GpuFunction f = dev.ctx().function(module("warp_reduce", form), "warp_reduce");
        int n = 30_000 + random.nextInt(10_000);
        float[] in = new float[n];
        int expected = 0;
        for (int i = 0; i < n; i++) {
            // Small positive integers: every partial sum stays below 2^24, so it is exact in single precision
            // whatever the order and the sum must match exactly; and as every lane's and warp's share is
            // positive, a lost (or doubly counted) lane or warp always changes it, never hides in a tolerance.
            in[i] = 1 + random.nextInt(8);
            expected += (int) in[i];
        }
        long pin = dev.upload(in), out = dev.upload(new float[1]);
        dev.ctx().launch(f, Dim3.of(12), Dim3.of(200), 0, null, TestDevice.args(f, pin, out, n));
        float got = dev.floats(out, 1)[0];
        assertEquals((float) expected, got, 0f, "sum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ptx", "fatbin", "uncompressed", "debug"})
    void prefixScan(String form) {
        GpuModule m = module("prefix_scan", form);
        GpuFunction scan = dev.ctx().function(m, "prefix_scan");
        GpuFunction offsets = dev.ctx().function(m, "add_block_offsets");
        int threads = 128;
        int n = 5_000 + random.nextInt(3_000);
        int blocks = (n + threads - 1) / threads;
        int[] in = new int[n];
        for (int i = 0; i < n; i++) in[i] = random.nextInt(201) - 100;
        long pin = dev.upload(in), out = dev.ctx().memAlloc(4L * n), sums = dev.ctx().memAlloc(4L * blocks);
        dev.ctx().launch(scan, Dim3.of(blocks), Dim3.of(threads), 2 * threads * 4, null, TestDevice.args(scan, pin, out, sums, n));
        // The block sums are scanned on the host, as a program would for a small second level.
        int[] blockSums = dev.ints(sums, blocks);
        for (int i = 1; i < blocks; i++) blockSums[i] += blockSums[i - 1];
        dev.ctx().copyHtoD(sums, java.lang.foreign.MemorySegment.ofArray(blockSums), 4L * blocks, null);
        dev.ctx().launch(offsets, Dim3.of(blocks), Dim3.of(threads), 0, null, TestDevice.args(offsets, out, sums, n));
        int[] expected = new int[n];
        int running = 0;
        for (int i = 0; i < n; i++) expected[i] = running += in[i];
        assertArrayEquals(expected, dev.ints(out, n));
    }
}
