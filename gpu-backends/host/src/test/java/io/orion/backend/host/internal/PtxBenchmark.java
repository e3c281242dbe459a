package io.orion.backend.host.internal;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Random;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.backend.host.internal.interp.Launch;

/**
 * The interpreter benchmark (not a test): interpreted thread-instructions per second on one worker
 * thread (one core) for a loop of simple integer instructions, the same with all workers, and the
 * time of sample kernels. Prints a table. Run with:
 * <pre>bin/build -- -pl gpu-backends/host -o test-compile exec:exec@ptx-benchmark</pre>
 */
public final class PtxBenchmark {
    /** Seven simple instructions per iteration: add, xor, shl, add, sub, setp, bra. */
    static final String ALU_LOOP = """
            .version 9.0
            .target sm_90
            .address_size 64
            .visible .entry alu_loop(.param .u64 out, .param .u32 iterations)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<8>;
                .reg .b64 %rd<4>;
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, 0;
                mov.u32 %r3, 1;
                ld.param.u32 %r4, [iterations];
            $LOOP:
                add.s32 %r2, %r2, %r1;
                xor.b32 %r3, %r3, %r2;
                shl.b32 %r5, %r3, 1;
                add.s32 %r1, %r1, %r5;
                sub.s32 %r4, %r4, 1;
                setp.ne.s32 %p1, %r4, 0;
                @%p1 bra $LOOP;
                mov.u32 %r6, %ctaid.x;
                mov.u32 %r7, %ntid.x;
                mad.lo.s32 %r6, %r6, %r7, %tid.x;
                ld.param.u64 %rd1, [out];
                mul.wide.u32 %rd2, %r6, 4;
                add.s64 %rd3, %rd1, %rd2;
                st.global.u32 [%rd3], %r3;
                ret;
            }
            """;

    private PtxBenchmark() {}

    public static void main(String[] args) {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "PTX interpreter benchmark: %d processors, %s %s%n", cores,
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.println("| measurement | workers | median time per launch (ms) | thread-instructions per launch "
                + "| M instr/s (wall) | M instr/s/core (wall) | M instr per CPU-second |");
        System.out.println("|---|---|---|---|---|---|---|");
        alu(1);
        alu(cores);
        matmul(1, 256);
        matmul(cores, 256);
        vectorAdd(cores, 1 << 22);
        launchOverhead();
    }

    /** An empty one-warp kernel: what a launch itself costs, waited for one by one and queued. */
    private static void launchOverhead() {
        try (TestDevice dev = new TestDevice(64, Runtime.getRuntime().availableProcessors())) {
            GpuFunction f = dev.ctx().function(dev.loadPtx(TestPtx.HEADER + ".visible .entry empty() { ret; }"), "empty");
            MemorySegment none = MemorySegment.ofArray(new byte[0]);
            int n = 5000;
            double[] synced = new double[5];
            double[] queued = new double[5];
            for (int round = -2; round < 5; round++) { // two rounds of warm-up
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    dev.ctx().launch(f, Dim3.of(1), Dim3.of(32), 0, null, none);
                    dev.ctx().synchronize();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) dev.ctx().launch(f, Dim3.of(1), Dim3.of(32), 0, null, none);
                dev.ctx().synchronize();
                long t2 = System.nanoTime();
                if (round >= 0) {
                    synced[round] = (t1 - t0) / 1e3 / n;
                    queued[round] = (t2 - t1) / 1e3 / n;
                }
            }
            java.util.Arrays.sort(synced);
            java.util.Arrays.sort(queued);
            System.out.println();
            System.out.println("| empty kernel, 1 warp (median of 5 x " + n + " launches) | µs per launch |");
            System.out.println("|---|---|");
            System.out.printf(Locale.ROOT, "| launch + synchronize | %.1f |%n", synced[2]);
            System.out.printf(Locale.ROOT, "| queued launch | %.1f |%n", queued[2]);
        }
    }

    private static void alu(int workers) {
        try (TestDevice dev = new TestDevice(512, workers)) {
            GpuModule m = dev.loadPtx(ALU_LOOP);
            GpuFunction f = dev.ctx().function(m, "alu_loop");
            int blocks = 64, threads = 256, iterations = 2000;
            long out = dev.ctx().memAlloc(4L * blocks * threads);
            MemorySegment a = TestDevice.args(f, out, iterations);
            run(dev, f, Dim3.of(blocks), Dim3.of(threads), 0, a, 6); // warm up the JIT
            long[] r = run(dev, f, Dim3.of(blocks), Dim3.of(threads), 0, a, 7);
            row("ALU loop (7 simple instructions per iteration)", workers, r);
        }
    }

    private static void matmul(int workers, int size) {
        try (TestDevice dev = new TestDevice(512, workers)) {
            GpuModule m = dev.load(TestDevice.kernelFile("matmul_tiled.ptx"));
            GpuFunction f = dev.ctx().function(m, "matmul_tiled");
            Random random = new Random(1);
            float[] a = new float[size * size];
            for (int i = 0; i < a.length; i++) a[i] = random.nextFloat();
            long pa = dev.upload(a), pb = dev.upload(a), pc = dev.ctx().memAlloc(4L * size * size);
            MemorySegment args = TestDevice.args(f, pa, pb, pc, size, size, size);
            Dim3 grid = new Dim3(size / 16, size / 16, 1);
            run(dev, f, grid, new Dim3(16, 16, 1), 0, args, 3);
            long[] r = run(dev, f, grid, new Dim3(16, 16, 1), 0, args, 5);
            row("sample matmul_tiled " + size + "x" + size + "x" + size, workers, r);
        }
    }

    private static void vectorAdd(int workers, int n) {
        try (TestDevice dev = new TestDevice(512, workers)) {
            GpuModule m = dev.load(TestDevice.kernelFile("vector_add.ptx"));
            GpuFunction f = dev.ctx().function(m, "vector_add");
            long pa = dev.ctx().memAlloc(4L * n), pb = dev.ctx().memAlloc(4L * n), pc = dev.ctx().memAlloc(4L * n);
            MemorySegment args = TestDevice.args(f, pa, pb, pc, n);
            run(dev, f, Dim3.of(n / 256), Dim3.of(256), 0, args, 3);
            long[] r = run(dev, f, Dim3.of(n / 256), Dim3.of(256), 0, args, 5);
            row("sample vector_add, " + n + " floats", workers, r);
        }
    }

    /**
     * Times {@code repeats} launches one by one; returns the medians of {wall nanos, thread-instructions,
     * process CPU nanos} per launch. CPU time makes the per-core figure meaningful on a machine that
     * other work shares: it counts only the time this process got.
     */
    private static long[] run(TestDevice dev, GpuFunction f, Dim3 grid, Dim3 block, int shared, MemorySegment args, int repeats) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long[] wall = new long[repeats];
        long[] cpu = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            dev.ctx().launch(f, grid, block, shared, null, args);
            dev.ctx().synchronize();
            wall[i] = System.nanoTime() - start;
            cpu[i] = os.getProcessCpuTime() - cpuStart;
        }
        java.util.Arrays.sort(wall);
        java.util.Arrays.sort(cpu);
        Launch last = dev.context.lastLaunch();
        return new long[] {wall[repeats / 2], last == null ? 0 : last.executedInstructions(), cpu[repeats / 2]};
    }

    private static void row(String what, int workers, long[] r) {
        double rate = r[1] / (r[0] / 1e9) / 1e6;
        double perCpuSecond = r[1] / (r[2] / 1e9) / 1e6;
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %,d | %.0f | %.0f | %.0f |%n", what, workers, r[0] / 1e6, r[1], rate,
                rate / workers, perCpuSecond);
    }
}
