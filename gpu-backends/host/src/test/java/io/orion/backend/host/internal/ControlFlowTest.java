package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Divergence, calls, barrier reductions, printf, assert, trap and refused recursion. */
class ControlFlowTest {
    private TestDevice dev;
    private GpuModule module;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
        module = dev.loadTestKernels("control");
    }

    @AfterEach
    void close() {
        dev.close();
    }

    static int collatz(int v) {
        int steps = 0;
        while (v > 1 && steps < 1000) {
            v = (v & 1) != 0 ? 3 * v + 1 : v / 2;
            steps++;
        }
        return steps;
    }

    @Test
    void divergentCodeAndCallsComputeWhatCWould() {
        GpuFunction f = dev.ctx().function(module, "control");
        int n = 1000, threads = 96;
        int[] in = new int[n];
        for (int i = 0; i < n; i++) in[i] = random.nextInt(1050) - 50;
        long out = dev.ctx().memAlloc(4L * n * 8);
        dev.ctx().launch(f, Dim3.of((n + threads - 1) / threads), Dim3.of(threads), 0, null, TestDevice.args(f, dev.upload(in), out, n));
        int[] got = dev.ints(out, n * 8);
        for (int i = 0; i < n; i++) {
            int v = in[i];
            int block = i / threads;
            int any = 0, all = 1, count = 0;
            for (int t = block * threads; t < (block + 1) * threads; t++) {
                int w = t < n ? in[t] : 0;
                if (w > 500) any = 1;
                if (w < 0) all = 0;
                if ((w & 1) != 0) count++;
            }
            int acc = 0;
            for (int k = 0; k < (v & 15); k++) {
                if (k == 9) break;
                if ((k & 1) != 0) continue;
                acc += k * v;
            }
            int[] want = {collatz(v), v % 7 + 3 + (int) (v * 0.5f) + (int) (v * 0.25),
                (v & 1) != 0 ? collatz(v + 1) : -collatz(v / 2 + 1), any, all, count, acc, 1};
            for (int k = 0; k < 8; k++) assertEquals(want[k], got[i * 8 + k], "value " + k + " of element " + i + " (v=" + v + ")");
        }
    }

    @Test
    void devicePrintfFormatsLikeC() {
        GpuFunction f = dev.ctx().function(module, "say_hello");
        dev.ctx().launch(f, Dim3.of(2), Dim3.of(4), 0, null, TestDevice.args(f, 42, 1.5f));
        dev.ctx().synchronize();
        List<String> lines;
        synchronized (dev.printed) {
            lines = dev.printed.stream().sorted().toList();
        }
        assertEquals(List.of(
                "hello from thread 0 of block 0: value=42 x=1.500 hex=0x2a str=ok\n",
                "hello from thread 0 of block 1: value=42 x=1.500 hex=0x2a str=ok\n",
                "hello from thread 1 of block 0: value=42 x=1.500 hex=0x2a str=ok\n",
                "hello from thread 1 of block 1: value=42 x=1.500 hex=0x2a str=ok\n"), lines);
    }

    @Test
    void deviceAssertFailsTheContextWithCudaErrorAssert() {
        GpuFunction f = dev.ctx().function(module, "check_positive");
        long in = dev.upload(new int[] {5, 7, -3, 9});
        dev.ctx().launch(f, Dim3.of(1), Dim3.of(32), 0, null, TestDevice.args(f, in, 4)); // queued: no error yet
        GpuException e = assertThrows(GpuException.class, () -> dev.ctx().synchronize());
        assertEquals(CudaError.ASSERT, e.error());
        assertTrue(e.getMessage().contains("Assertion `in[i] > 0` failed"), e.getMessage());
        assertTrue(e.getMessage().contains("thread (2,0,0)"), e.getMessage());
        // Sticky, as in CUDA: the context stays unusable.
        assertEquals(CudaError.ASSERT, assertThrows(GpuException.class, () -> dev.ctx().memAlloc(16)).error());
    }

    @Test
    void trapFailsTheLaunch() {
        GpuFunction f = dev.ctx().function(module, "trap_when");
        dev.ctx().launch(f, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(f, 0));
        dev.ctx().synchronize();
        dev.ctx().launch(f, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(f, 1));
        GpuException e = assertThrows(GpuException.class, () -> dev.ctx().synchronize());
        assertEquals(CudaError.LAUNCH_FAILED, e.error());
        assertTrue(e.getMessage().contains("trap"), e.getMessage());
    }

    @Test
    void recursionIsRefusedAtLaunchNamingTheFunction() {
        GpuFunction f = dev.ctx().function(module, "recursive"); // the module loads; its other kernels run
        long out = dev.ctx().memAlloc(4);
        GpuException e = assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(f, out, 3)));
        assertEquals(CudaError.NOT_SUPPORTED, e.error());
        assertTrue(e.getMessage().contains("recursive") && e.getMessage().contains("_Z3fibi"), e.getMessage());
    }
}
