package io.orion.backend.cuda.gpu;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.HostMemory;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.CudaSettings;

/**
 * The operations of gpu/bench.c, with the same sizes, buffers, warm-ups and repetitions, each timed
 * in this JVM in up to three ways: through the cuda backend ("java"), as the same driver call
 * straight through FFM ("ffm", {@link BareDriver}), and, with {@code --c-loops}, as bench.c's own C
 * loop loaded into this process ("cjvm", {@link CLoops}). All run on this thread, in the backend's
 * context, on the same memory, and take turns repetition by repetition, so drift in the GPU or the
 * machine reaches them alike. Prints "RESULT impl op bytes microseconds-per-operation" (medians);
 * BenchTable sets them beside bench.c's, run in its own process.
 *
 * <pre>GpuBench --kernels DIR [--max-bytes N] [--launches N] [--reps N] [--cpu N] [--c-loops libbenchloops.so]</pre>
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
                "--reps", "repetitions (default 7)", "--cpu", "pin the measuring thread to this CPU, as bench.c (default: not pinned)",
                "--c-loops", "libbenchloops.so: also time bench.c's loops inside this JVM"));
        byte[] cubin = Files.readAllBytes(Path.of(Options.require(o, "--kernels"), "kernels.cubin"));
        long maxBytes = Long.parseLong(o.getOrDefault("--max-bytes", String.valueOf(1L << 30)));
        int launches = Integer.parseInt(o.getOrDefault("--launches", "20000"));
        int reps = Math.min(64, Integer.parseInt(o.getOrDefault("--reps", "7")));
        CLoops c = o.containsKey("--c-loops") ? new CLoops(Path.of(o.get("--c-loops"))) : null;

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
                    launches(timer, c, ctx, empty, bare, launches);
                    copies(timer, c, ctx, bare, maxBytes, reps);
                }
            }
        }
        return 0;
    }

    private static void launches(Timer timer, CLoops c, GpuContext ctx, GpuFunction empty, BareDriver bare, int launches) {
        Dim3 grid = Dim3.of(1), block = Dim3.of(32);
        MemorySegment f = bare.emptyFunction();
        // queued: many launches in a row, then one synchronize
        timer.row("launch_queued", 0, launches, 2 * launches, timer.reps,
                c == null ? null : n -> c.launchQueued(f, n),
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
                c == null ? null : n -> c.launchSync(f, n),
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

    private static void copies(Timer timer, CLoops c, GpuContext ctx, BareDriver bare, long maxBytes, int reps) {
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
                if (c != null) c.copy(toDevice, d, host, 4096, COPY_WARM_UP);
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
                            c == null ? null : n -> c.copy(toDevice, d, host, bytes, n),
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

    /** Warms up and times the ways of one row, rotating which goes first, and prints each median. */
    static final class Timer {
        private final PrintStream out;
        final int reps;

        Timer(PrintStream out, int reps) {
            this.out = out;
            this.reps = reps;
        }

        /** {@code c} may be null (no C loops in this JVM). */
        void row(String op, long bytes, int iterations, int warmUp, int rs, Loop c, Loop ffm, Loop java) {
            List<String> names = new ArrayList<>(List.of("ffm", "java"));
            List<Loop> loops = new ArrayList<>(List.of(ffm, java));
            if (c != null) {
                names.addFirst("cjvm");
                loops.addFirst(c);
            }
            int ways = loops.size();
            for (Loop l : loops) l.run(warmUp);
            double[][] samples = new double[ways][rs];
            for (int r = 0; r < rs; r++)
                for (int i = 0; i < ways; i++) {
                    int w = (r + i) % ways;
                    samples[w][r] = perOperation(loops.get(w), iterations);
                }
            for (int w = 0; w < ways; w++) out.printf("RESULT %s %s %d %.4f%n", names.get(w), op, bytes, median(samples[w]));
            out.flush();
        }

        private static double perOperation(Loop loop, int n) {
            long t0 = System.nanoTime();
            loop.run(n);
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
