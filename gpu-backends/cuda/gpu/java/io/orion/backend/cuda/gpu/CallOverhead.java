package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.CudaSettings;

/**
 * Nanoseconds the backend adds to one driver call. Each operation is timed through the backend
 * and as the bare FFM call ({@link BareDriver}) in the same context on the same memory, in short
 * rounds that alternate between the two; it prints, per operation, the median and the fastest
 * round of each and their difference. Meant for the fake driver, whose calls cost tens of
 * nanoseconds so that the backend's share stands out, and usable on a GPU. The fastest round is
 * the steadier figure on a busy machine.
 *
 * <pre>CallOverhead --kernels DIR [--rounds N] [--calls N] [--cpu N]</pre>
 */
public final class CallOverhead {
    private CallOverhead() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> o = Options.parse(args, Map.of("--kernels", "folder with kernels.cubin",
                "--rounds", "rounds per operation and way (default 301)", "--calls", "calls per round (default 2000)",
                "--cpu", "pin this thread to a CPU"));
        byte[] cubin = Files.readAllBytes(Path.of(Options.require(o, "--kernels"), "kernels.cubin"));
        int rounds = Integer.parseInt(o.getOrDefault("--rounds", "301"));
        int calls = Integer.parseInt(o.getOrDefault("--calls", "2000"));
        try (CudaBackend backend = CudaBackend.open(new CudaSettings("auto", 1L << 20, 2, Duration.ZERO))) {
            if (!backend.ready()) {
                out.println("overhead: no usable GPU: " + backend.status());
                return 2;
            }
            try (GpuContext ctx = backend.openContext(backend.devices().getFirst().uuid());
                 Arena arena = Arena.ofConfined()) {
                GpuFunction empty = ctx.function(ctx.loadModule(MemorySegment.ofArray(cubin)), "orion_empty");
                GpuFunction vecAdd = ctx.function(ctx.loadModule(MemorySegment.ofArray(cubin)), "orion_vec_add");
                try (BareDriver bare = new BareDriver(cubin); HostMemory pinned = ctx.allocHost(1 << 16)) {
                    if (o.containsKey("--cpu")) CpuPin.pin(Integer.parseInt(o.get("--cpu")));
                    long d = ctx.memAlloc(1 << 16);
                    GpuStream stream = ctx.createStream(false, 0);
                    MemorySegment bareStream = bare.stream();
                    MemorySegment host = pinned.segment().asSlice(0, 4096);
                    // vec_add(a, b, c, n = 0): four parameters to pack, no memory touched
                    MemorySegment packed = arena.allocate(32, 16);
                    packed.set(JAVA_LONG, 0, d);
                    packed.set(JAVA_LONG, 8, d);
                    packed.set(JAVA_LONG, 16, d);
                    packed.set(JAVA_INT, 24, 0);
                    MemorySegment params = arena.allocate(ADDRESS, 4);
                    for (int i = 0; i < 4; i++) params.setAtIndex(JAVA_LONG, i, packed.address() + 8L * i);
                    MemorySegment bareVecAdd = bare.function("orion_vec_add");
                    Dim3 one = Dim3.of(1), warp = Dim3.of(32);

                    Rounds r = new Rounds(out, rounds, calls);
                    r.op("launch, no parameters",
                            n -> { for (int i = 0; i < n; i++) bare.launchEmpty(); bare.synchronize(); },
                            n -> { for (int i = 0; i < n; i++) ctx.launch(empty, one, warp, 0, null, null); ctx.synchronize(); });
                    r.op("launch, 4 parameters",
                            n -> { for (int i = 0; i < n; i++) bare.launch(bareVecAdd, params); bare.synchronize(); },
                            n -> { for (int i = 0; i < n; i++) ctx.launch(vecAdd, one, warp, 0, null, packed); ctx.synchronize(); });
                    r.op("synchronize",
                            n -> { for (int i = 0; i < n; i++) bare.synchronize(); },
                            n -> { for (int i = 0; i < n; i++) ctx.synchronize(); });
                    r.op("copy 4 KiB host to device, pinned",
                            n -> { for (int i = 0; i < n; i++) bare.copyHtoD(d, host, 4096); },
                            n -> { for (int i = 0; i < n; i++) ctx.copyHtoD(d, host, 4096, null); });
                    r.op("copy 4 KiB device to host, pinned",
                            n -> { for (int i = 0; i < n; i++) bare.copyDtoH(host, d, 4096); },
                            n -> { for (int i = 0; i < n; i++) ctx.copyDtoH(host, d, 4096, null); });
                    r.op("copy 4 KiB host to device, pinned, on a stream",
                            n -> { for (int i = 0; i < n; i++) bare.copyHtoDAsync(d, host, 4096, bareStream); },
                            n -> { for (int i = 0; i < n; i++) ctx.copyHtoD(d, host, 4096, stream); });
                    r.op("memset 64 B",
                            n -> { for (int i = 0; i < n; i++) bare.memsetD8(d, 7, 64); },
                            n -> { for (int i = 0; i < n; i++) ctx.memsetD8(d, 7, 64, null); });
                    ctx.synchronize();
                    out.println("backend's own cost per call, median over the operations: " + r.summary());
                }
            }
        }
        return 0;
    }

    /** Runs and reports the operations, two ways each. */
    static final class Rounds {
        private final PrintStream out;
        private final int rounds, calls;
        private final double[] fromMedians = new double[16], fromFastest = new double[16];
        private int ops;

        Rounds(PrintStream out, int rounds, int calls) {
            this.out = out;
            this.rounds = rounds;
            this.calls = calls;
            out.printf("%-48s %8s %8s %8s %8s %9s %9s%n", "ns per call", "FFM med", "Java med", "FFM min", "Java min",
                    "own, med", "own, min");
        }

        /** Calls and time each way warms up for at least: enough for the JIT's last tier, however fast the calls. */
        private static final int WARM_UP_CALLS = 50_000;
        private static final long WARM_UP_NANOS = 300_000_000L;

        void op(String name, GpuBench.Loop bare, GpuBench.Loop backend) {
            long t0 = System.nanoTime();
            for (int done = 0; done < WARM_UP_CALLS || System.nanoTime() - t0 < WARM_UP_NANOS; done += calls) {
                bare.run(calls);
                backend.run(calls);
            }
            double[] b = new double[rounds], j = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean bareFirst = r % 2 == 0;
                if (bareFirst) b[r] = ns(bare);
                j[r] = ns(backend);
                if (!bareFirst) b[r] = ns(bare);
            }
            Arrays.sort(b);
            Arrays.sort(j);
            fromMedians[ops] = j[rounds / 2] - b[rounds / 2];
            fromFastest[ops] = j[0] - b[0];
            out.printf("%-48s %8.1f %8.1f %8.1f %8.1f %+9.1f %+9.1f%n", name, b[rounds / 2], j[rounds / 2], b[0], j[0],
                    fromMedians[ops], fromFastest[ops]);
            ops++;
        }

        private double ns(GpuBench.Loop loop) {
            long t0 = System.nanoTime();
            loop.run(calls);
            return (double) (System.nanoTime() - t0) / calls;
        }

        /** The median over the operations of the backend's own cost, from the medians and from the fastest rounds. */
        String summary() {
            return String.format("%.0f ns (medians), %.0f ns (fastest rounds)", median(fromMedians), median(fromFastest));
        }

        private double median(double[] perOperation) {
            double[] o = Arrays.copyOf(perOperation, ops);
            Arrays.sort(o);
            return o[ops / 2];
        }
    }
}
