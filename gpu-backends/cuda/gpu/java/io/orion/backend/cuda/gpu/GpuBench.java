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
 * The operations of gpu/bench.c, with the same loops, sizes, buffers, warm-ups and repetitions,
 * each timed two ways in this JVM: through the cuda backend ("java") and as the same driver call
 * straight through FFM ("ffm", {@link BareDriver}). The two alternate repetition by repetition, so
 * drift in the GPU or the machine reaches both alike. Prints "RESULT impl op bytes
 * microseconds-per-operation" (medians); BenchTable sets them beside bench.c's.
 *
 * <pre>GpuBench --kernels DIR [--max-bytes N] [--launches N] [--reps N] [--cpu N]</pre>
 */
public final class GpuBench {
    private GpuBench() {}

    /** Copy paths are warmed up this many times each at 4 KiB before any row; bench.c does the same. */
    static final int COPY_WARM_UP = 20_000;
    /** Pageable buffers are aligned like bench.c's posix_memalign, so both get the same pages (and huge pages). */
    static final long PAGEABLE_ALIGNMENT = 2L << 20;

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> o = Options.parse(args, Map.of("--kernels", "folder with kernels.cubin",
                "--max-bytes", "largest copy (default 1 GiB)", "--launches", "launches per repetition (default 20000)",
                "--reps", "repetitions (default 7)", "--cpu", "pin the measuring thread to this CPU, as bench.c (default: not pinned)"));
        byte[] cubin = Files.readAllBytes(Path.of(Options.require(o, "--kernels"), "kernels.cubin"));
        long maxBytes = Long.parseLong(o.getOrDefault("--max-bytes", String.valueOf(1L << 30)));
        int launches = Integer.parseInt(o.getOrDefault("--launches", "20000"));
        int reps = Math.min(64, Integer.parseInt(o.getOrDefault("--reps", "7")));

        try (CudaBackend backend = CudaBackend.open(new CudaSettings("auto", 8L << 20, 4, Duration.ZERO))) {
            if (!backend.ready()) {
                out.println("bench: no usable GPU: " + backend.status());
                return 2;
            }
            try (GpuContext ctx = backend.openContext(backend.devices().getFirst().uuid())) {
                GpuFunction empty = ctx.function(ctx.loadModule(MemorySegment.ofArray(cubin)), "orion_empty");
                try (BareDriver bare = new BareDriver(cubin)) { // in ctx, which the backend left current here
                    if (o.containsKey("--cpu")) { // where bench.c pins itself: after the context and module
                        CpuPin.pin(Integer.parseInt(o.get("--cpu")));
                        out.println("bench: measuring thread pinned to CPU " + o.get("--cpu"));
                    }
                    Timer timer = new Timer(out, reps);
                    launches(timer, ctx, empty, bare, launches);
                    copies(timer, ctx, bare, maxBytes, reps);
                }
            }
        }
        return 0;
    }

    private static void launches(Timer timer, GpuContext ctx, GpuFunction empty, BareDriver bare, int launches) {
        Dim3 grid = Dim3.of(1), block = Dim3.of(32);
        // queued: many launches in a row, then one synchronize
        timer.row("launch_queued", 0, launches, 2 * launches, timer.reps,
                n -> {
                    for (int i = 0; i < n; i++) bare.launchEmpty();
                    bare.synchronize();
                },
                n -> {
                    for (int i = 0; i < n; i++) ctx.launch(empty, grid, block, 0, null, null);
                    ctx.synchronize();
                });
        int roundTrips = launches / 10;
        timer.row("launch_sync", 0, roundTrips, 5 * roundTrips, timer.reps,
                n -> {
                    for (int i = 0; i < n; i++) {
                        bare.launchEmpty();
                        bare.synchronize();
                    }
                },
                n -> {
                    for (int i = 0; i < n; i++) {
                        ctx.launch(empty, grid, block, 0, null, null);
                        ctx.synchronize();
                    }
                });
    }

    private static void copies(Timer timer, GpuContext ctx, BareDriver bare, long maxBytes, int reps) {
        String[] names = {"h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable"};
        long d = ctx.memAlloc(maxBytes);
        try (HostMemory pinnedMemory = ctx.allocHost(maxBytes); Arena arena = Arena.ofShared()) {
            MemorySegment pinned = pinnedMemory.segment();
            MemorySegment pageable = arena.allocate(maxBytes, PAGEABLE_ALIGNMENT);
            pageable.fill((byte) 1);
            pinned.fill((byte) 1);
            for (int k = 0; k < 4; k++) {
                MemorySegment host = k < 2 ? pinned : pageable;
                boolean toDevice = k % 2 == 0;
                bareCopies(bare, toDevice, d, host, 4096, COPY_WARM_UP);
                backendCopies(ctx, toDevice, d, host, 4096, COPY_WARM_UP);
            }
            for (long size = 4096; size <= maxBytes; size *= 4) {
                int iters = (int) Math.max(1, Math.min(1000, (64L << 20) / size));
                boolean huge = size >= (256L << 20);
                for (int k = 0; k < 4; k++) {
                    MemorySegment host = k < 2 ? pinned : pageable;
                    boolean toDevice = k % 2 == 0;
                    long bytes = size;
                    timer.row(names[k], size, iters, (huge ? 1 : 2) * iters, huge ? Math.min(reps, 5) : reps,
                            n -> bareCopies(bare, toDevice, d, host, bytes, n),
                            n -> backendCopies(ctx, toDevice, d, host, bytes, n));
                }
            }
        } finally {
            ctx.memFree(d);
        }
    }

    private static void bareCopies(BareDriver bare, boolean toDevice, long d, MemorySegment host, long bytes, int n) {
        if (toDevice) for (int i = 0; i < n; i++) bare.copyHtoD(d, host, bytes);
        else for (int i = 0; i < n; i++) bare.copyDtoH(host, d, bytes);
    }

    private static void backendCopies(GpuContext ctx, boolean toDevice, long d, MemorySegment host, long bytes, int n) {
        if (toDevice) for (int i = 0; i < n; i++) ctx.copyHtoD(d, host, bytes, null);
        else for (int i = 0; i < n; i++) ctx.copyDtoH(host, d, bytes, null);
    }

    /** One timed loop of {@code n} operations; the loop is inside, so calling it costs nothing per operation. */
    interface Loop {
        void run(int n);
    }

    /** Warms up and times the two ways of one row, alternating which goes first, and prints both medians. */
    static final class Timer {
        private final PrintStream out;
        final int reps;

        Timer(PrintStream out, int reps) {
            this.out = out;
            this.reps = reps;
        }

        void row(String op, long bytes, int iterations, int warmUp, int rs, Loop ffm, Loop java) {
            ffm.run(warmUp);
            java.run(warmUp);
            double[] f = new double[rs], j = new double[rs];
            for (int r = 0; r < rs; r++) {
                if (r % 2 == 0) {
                    f[r] = perOperation(ffm, iterations);
                    j[r] = perOperation(java, iterations);
                } else {
                    j[r] = perOperation(java, iterations);
                    f[r] = perOperation(ffm, iterations);
                }
            }
            result("ffm", op, bytes, median(f));
            result("java", op, bytes, median(j));
        }

        private static double perOperation(Loop loop, int n) {
            long t0 = System.nanoTime();
            loop.run(n);
            return (System.nanoTime() - t0) / 1e3 / n;
        }

        private void result(String impl, String op, long bytes, double us) {
            out.printf("RESULT %s %s %d %.4f%n", impl, op, bytes, us);
            out.flush();
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
