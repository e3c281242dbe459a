package io.orion.backend.cuda.gpu;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.HostMemory;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.CudaSettings;

/**
 * The operations of gpu/bench.c through the cuda backend, with the same loops, sizes, warm-ups and
 * repetitions, printing "RESULT java op bytes microseconds-per-operation" (medians). BenchTable
 * sets the two side by side.
 *
 * <pre>GpuBench --kernels DIR [--max-bytes N] [--launches N] [--reps N]</pre>
 */
public final class GpuBench {
    private GpuBench() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> o = Options.parse(args, Map.of("--kernels", "folder with kernels.cubin",
                "--max-bytes", "largest copy (default 1 GiB)", "--launches", "launches per repetition (default 20000)",
                "--reps", "repetitions (default 7)"));
        Path cubin = Path.of(Options.require(o, "--kernels"), "kernels.cubin");
        long maxBytes = Long.parseLong(o.getOrDefault("--max-bytes", String.valueOf(1L << 30)));
        int launches = Integer.parseInt(o.getOrDefault("--launches", "20000"));
        int reps = Math.min(64, Integer.parseInt(o.getOrDefault("--reps", "7")));

        try (CudaBackend backend = CudaBackend.open(new CudaSettings("auto", 8L << 20, 4, Duration.ZERO))) {
            if (!backend.ready()) {
                out.println("bench: no usable GPU: " + backend.status());
                return 2;
            }
            try (GpuContext ctx = backend.openContext(backend.devices().getFirst().uuid())) {
                GpuFunction empty = ctx.function(ctx.loadModule(MemorySegment.ofArray(Files.readAllBytes(cubin))), "orion_empty");
                launches(out, ctx, empty, launches, reps);
                copies(out, ctx, maxBytes, reps);
            }
        }
        return 0;
    }

    private static void launches(PrintStream out, GpuContext ctx, GpuFunction empty, int launches, int reps) {
        Dim3 grid = Dim3.of(1), block = Dim3.of(32);
        double[] samples = new double[reps];
        // warm-up: longer than the C side's, so that the JIT has compiled the launch path before timing
        for (int i = 0; i < 10 * launches; i++) ctx.launch(empty, grid, block, 0, null, null);
        ctx.synchronize();
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < launches; i++) ctx.launch(empty, grid, block, 0, null, null);
            ctx.synchronize();
            samples[r] = (System.nanoTime() - t0) / 1e3 / launches;
        }
        result(out, "launch_queued", 0, median(samples, reps));

        int roundTrips = launches / 10;
        for (int i = 0; i < 5 * roundTrips; i++) {
            ctx.launch(empty, grid, block, 0, null, null);
            ctx.synchronize();
        }
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                ctx.launch(empty, grid, block, 0, null, null);
                ctx.synchronize();
            }
            samples[r] = (System.nanoTime() - t0) / 1e3 / roundTrips;
        }
        result(out, "launch_sync", 0, median(samples, reps));
    }

    private static void copies(PrintStream out, GpuContext ctx, long maxBytes, int reps) {
        String[] names = {"h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable"};
        double[] samples = new double[reps];
        long d = ctx.memAlloc(maxBytes);
        try (HostMemory pinnedMemory = ctx.allocHost(maxBytes); Arena arena = Arena.ofShared()) {
            MemorySegment pinned = pinnedMemory.segment();
            MemorySegment pageable = arena.allocate(maxBytes, 4096);
            pageable.fill((byte) 1);
            pinned.fill((byte) 1);
            // warm-up of the copy paths for the JIT (bench.c does a tenth of it, for the driver)
            for (int k = 0; k < 4; k++)
                for (int i = 0; i < 20_000; i++) copy(ctx, k % 2 == 0, d, k < 2 ? pinned : pageable, 4096);
            for (long size = 4096; size <= maxBytes; size *= 4) {
                int iters = (int) Math.max(1, Math.min(1000, (64L << 20) / size));
                for (int k = 0; k < 4; k++) {
                    MemorySegment host = k < 2 ? pinned : pageable;
                    boolean toDevice = k % 2 == 0;
                    int warm = (size >= (256L << 20) ? 1 : 2) * iters;
                    for (int w = 0; w < warm; w++) copy(ctx, toDevice, d, host, size);
                    int rs = size >= (256L << 20) ? Math.min(reps, 5) : reps;
                    for (int r = 0; r < rs; r++) {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < iters; i++) copy(ctx, toDevice, d, host, size);
                        samples[r] = (System.nanoTime() - t0) / 1e3 / iters;
                    }
                    result(out, names[k], size, median(samples, rs));
                }
            }
        } finally {
            ctx.memFree(d);
        }
    }

    private static void copy(GpuContext ctx, boolean toDevice, long d, MemorySegment host, long size) {
        if (toDevice) ctx.copyHtoD(d, host, size, null);
        else ctx.copyDtoH(host, d, size, null);
    }

    private static void result(PrintStream out, String op, long bytes, double us) {
        out.printf("RESULT java %s %d %.4f%n", op, bytes, us);
        out.flush();
    }

    static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
