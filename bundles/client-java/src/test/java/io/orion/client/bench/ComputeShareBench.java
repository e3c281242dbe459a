package io.orion.client.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.server.VgpuGrant;
import io.orion.client.e2e.ServerFixture;
import io.orion.client.e2e.TestBackends;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.GateSettings;
import io.orion.server.internal.gate.GpuGate;

/**
 * The compute gate on a real GPU (issue 8, docs/benchmarks.md): saturating spin kernels through
 * real vGPUs — one session each, over shm, through the real server, each on its own Java client
 * thread — measuring the share of the GPU each gets, in strict and elastic mode and with the gate
 * off (contexts time-sliced by the GPU: the baseline); one vGPU alone at 30 %; a pod of two
 * processes (two vGPUs of one group at 30) beside a vGPU at 70; a ratio changed mid-run; and the
 * gate's overhead at ratio 100 against the backend called directly.
 *
 * <p>A vGPU's share over a window is the spin kernels it completed in it times their duration
 * alone (calibrated first on a direct context), over the window: the GPU time it got, whatever
 * else ran. Each case is repeated; the table gives mean ± half the range, and PASS when every
 * repetition is within ±5 points of the target.
 *
 * <pre>
 *   ComputeShareBench [--backend cuda|host] [--out DIR] [--reps N] [--window-ms N] [--kernel-ms X]
 * </pre>
 */
public final class ComputeShareBench {
    private static final double TOLERANCE = 5;
    private static final List<int[]> CASES = List.of(new int[] {50, 50}, new int[] {30, 70}, new int[] {10, 90},
            new int[] {20, 30, 50}, new int[] {25, 25, 25, 25});

    private final GpuBackend backend;
    private final GpuDevice gpu;
    private final ServerFixture fx;
    private final List<RemoteSpin> loads = new ArrayList<>();
    /** A pod of two processes, each on its own vGPU of group {@value #POD} (as the controller allocates them). */
    private final List<RemoteSpin> pod = new ArrayList<>();
    private static final String POD = "pod";
    private final int reps;
    private final long window, warm;
    private final double kernelMillis;
    private final ShareReport report;

    private ComputeShareBench(GpuBackend backend, ServerFixture fx, SpinKernel kernel, int iters, double kernelMillis,
                              int reps, long windowMillis, boolean busy, boolean judged) {
        this.backend = backend;
        this.gpu = backend.devices().get(0);
        this.fx = fx;
        this.reps = reps;
        this.window = windowMillis * 1_000_000;
        this.warm = Math.max(300, windowMillis / 4) * 1_000_000;
        this.kernelMillis = kernelMillis;
        this.report = new ShareReport(judged);
        for (int i = 0; i < 4; i++) {
            fx.server.grant(new VgpuGrant(vgpu(i), gpu.uuid(), 256, 25, ""));
            RemoteSpin r = new RemoteSpin(fx.shmEndpoint, vgpu(i), kernel, busy);
            r.iterations(iters);
            loads.add(r);
        }
        for (int i = 0; i < 2; i++) {
            fx.server.grant(new VgpuGrant(podVgpu(i), gpu.uuid(), 256, 30, POD));
            RemoteSpin r = new RemoteSpin(fx.shmEndpoint, podVgpu(i), POD, kernel, busy);
            r.iterations(iters);
            pod.add(r);
        }
    }

    private static String podVgpu(int i) {
        return POD + "-" + i;
    }

    private static String vgpu(int i) {
        return "share-" + i;
    }

    public static void main(String[] args) throws Exception {
        String backendName = "cuda";
        Path out = null;
        int reps = -1;
        long windowMillis = -1;
        double kernelMillis = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backendName = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--window-ms" -> windowMillis = Long.parseLong(args[++i]);
                case "--kernel-ms" -> kernelMillis = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--backend cuda|host, --out DIR, --reps N, --window-ms N, --kernel-ms X)");
            }
        }
        boolean host = backendName.equals("host");
        // the host backend interprets PTX on two cores: shorter runs of longer kernels, a harness check only
        if (reps < 0) reps = host ? 2 : 3;
        if (windowMillis < 0) windowMillis = host ? 1500 : 2000;
        if (kernelMillis < 0) kernelMillis = host ? 4 : 1;
        GpuBackend backend = TestBackends.byName(backendName);
        if (backend.devices().isEmpty()) {
            System.err.println("backend " + backendName + " has no device: " + backend.status());
            System.exit(2);
        }
        GpuDevice gpu = backend.devices().get(0);
        SpinKernel kernel = new SpinKernel(host, gpu.multiprocessors());
        Instant at = Instant.now();
        String table, json;
        try (DirectSpin direct = new DirectSpin(backend, gpu.uuid(), kernel)) {
            progress("calibrating a spin kernel of " + kernelMillis + " ms");
            int iters = calibrate(direct, kernelMillis, host);
            double measured = direct.millisPerKernel(iters, host ? 20 : 200);
            progress(String.format(Locale.ROOT, "%d iterations: %.3f ms per kernel alone", iters, measured));
            try (ServerFixture fx = new ServerFixture(backend, ServerFixture.testSettings(), !host)) {
                ComputeShareBench b = new ComputeShareBench(backend, fx, kernel, iters, measured, reps, windowMillis, !host, !host);
                try {
                    b.run(direct, iters);
                } finally {
                    b.loads.forEach(RemoteSpin::close);
                    b.pod.forEach(RemoteSpin::close);
                }
                String header = String.format(Locale.ROOT, "Orion compute-share benchmark: backend %s (%s, %s, %d SMs), %s, Java %s, %d CPUs\n"
                        + "%s kernel of %.3f ms alone (%d x %d threads, %d iterations); %d repetitions of %d ms windows after %d ms warm-up;"
                        + " shm, busy poll %s. Gate: slices %d ms, lookahead %d ms.\n"
                        + "Share = spin kernels completed in the window x their duration alone / window. PASS: every repetition within ±%.0f points.\n",
                        backendName, gpu.name(), gpu.uuid(), gpu.multiprocessors(), at, Runtime.version(),
                        Runtime.getRuntime().availableProcessors(), SpinKernel.NAME, measured, kernel.grid.x(), kernel.block.x(), iters,
                        reps, windowMillis, b.warm / 1_000_000, host ? "off" : "on", GateSettings.defaults().slice().toMillis(),
                        GateSettings.defaults().lookahead().toMillis(), TOLERANCE)
                        + (host ? "CPU-only run (host backend): the figures test the harness, not the targets.\n" : "");
                table = b.report.table(header);
                json = b.report.json(String.format(Locale.ROOT, "\"backend\":\"%s\",\"gpu\":\"%s\",\"at\":\"%s\",\"kernelMillis\":%.4f",
                        backendName, gpu.name(), at, measured));
            }
        } finally {
            TestBackends.close(backend);
        }
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("compute-share.txt"), table);
            Files.writeString(out.resolve("compute-share.json"), json + "\n");
            System.out.println("written to " + out.resolve("compute-share.txt") + " and compute-share.json");
        }
    }

    /**
     * Iterations for a spin kernel of {@code millis} alone: scaled from a first guess, then run warm
     * for a while (the JIT, on the host backend; clocks, on a GPU) and scaled again.
     */
    public static int calibrate(DirectSpin d, double millis, boolean host) {
        int iters = scale(d, host ? 2_000 : 20_000, millis, host);
        d.iterations(iters);
        d.start();
        sleep(host ? 2_000_000_000L : 500_000_000L);
        d.stop();
        return scale(d, iters, millis, host);
    }

    private static int scale(DirectSpin d, int iters, double millis, boolean host) {
        for (int round = 0; round < 3; round++) {
            double t = d.millisPerKernel(iters, host ? 3 : 20);
            iters = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, Math.round(iters * millis / t)));
        }
        return iters;
    }

    private GateSettings gate(ComputeMode mode) {
        return GateSettings.defaults().withMode(mode).withShareWindow(Duration.ofNanos(Math.max(window, 500_000_000L)));
    }

    private void run(DirectSpin direct, int iters) {
        for (ComputeMode mode : new ComputeMode[] {ComputeMode.STRICT, ComputeMode.ELASTIC, ComputeMode.OFF}) {
            fx.server.reconfigureGate(gate(mode));
            report.heading("Shares, " + mode.label() + (mode == ComputeMode.OFF ? " (no gate: contexts time-sliced by the GPU; baseline)" : "")
                    + "   mode     ratios        vGPU       target  measured            gate's own figure");
            for (int[] ratios : CASES) shares(mode, ratios);
            alone(mode);
            pod(mode);
        }
        report.heading("Ratio changed mid-run (2 vGPUs busy; the new share over 500 ms windows)");
        for (ComputeMode mode : new ComputeMode[] {ComputeMode.STRICT, ComputeMode.ELASTIC}) ratioChange(mode);
        report.heading("Overhead at ratio 100, one vGPU alone (saturating spin kernels; empty kernels)");
        overhead(direct, iters);
    }

    private static String label(int[] ratios) {
        StringBuilder b = new StringBuilder();
        for (int r : ratios) b.append(b.isEmpty() ? "" : "/").append(r);
        return b.toString();
    }

    private void resize(int i, int ratio) {
        fx.server.resize(vgpu(i), 256, ratio);
    }

    /** Runs loads 0..n-1 for one window after the warm-up: their shares, the gate's figures, and switches per second. */
    private double[][] measure(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) loads.get(i).start();
        try {
            Thread.sleep(warm / 1_000_000);
            long switches0 = switches();
            long t0 = System.nanoTime();
            Thread.sleep(window / 1_000_000);
            long t1 = System.nanoTime();
            double[][] r = new double[3][n + 1];
            for (int i = 0; i < n; i++) {
                r[0][i] = 100.0 * loads.get(i).completed(t0, t1) * kernelMillis * 1e6 / (t1 - t0);
                r[1][i] = fx.server.vgpu(vgpu(i)).orElseThrow().sharePercent();
            }
            r[2][0] = (switches() - switches0) / ((t1 - t0) / 1e9);
            return r;
        } finally {
            for (int i = 0; i < n; i++) loads.get(i).stop();
        }
    }

    private long switches() {
        return fx.server.gateStats().stream().mapToLong(GpuGate.Stats::switches).sum();
    }

    private void shares(ComputeMode mode, int[] ratios) {
        int n = ratios.length;
        for (int i = 0; i < n; i++) resize(i, ratios[i]);
        double[][] share = new double[n][reps], gateSays = new double[n][reps];
        double[] total = new double[reps];
        double switches = 0;
        progress(mode.label() + " " + label(ratios));
        for (int rep = 0; rep < reps; rep++) {
            double[][] r = call(() -> measure(n));
            for (int i = 0; i < n; i++) {
                share[i][rep] = r[0][i];
                gateSays[i][rep] = r[1][i];
                total[rep] += r[0][i];
            }
            switches += r[2][0] / reps;
        }
        for (int i = 0; i < n; i++)
            report.share(mode.label(), label(ratios), vgpu(i), mode == ComputeMode.OFF ? -1 : ratios[i], share[i], gateSays[i], TOLERANCE);
        report.total(mode.label(), label(ratios), total, switches);
    }

    /** One vGPU at 30 % with the GPU otherwise idle: strict caps it at 30, elastic lends it the rest. */
    private void alone(ComputeMode mode) {
        resize(0, 30);
        double[] share = new double[reps], gateSays = new double[reps];
        progress(mode.label() + " alone at 30");
        for (int rep = 0; rep < reps; rep++) {
            double[][] r = call(() -> measure(1));
            share[rep] = r[0][0];
            gateSays[rep] = r[1][0];
        }
        double target = switch (mode) {
            case STRICT -> 30;
            case ELASTIC -> 100; // all of the idle rest (judged as "at least 95")
            case OFF -> -1;
        };
        report.share(mode.label(), "30 alone", vgpu(0), target, share, gateSays, TOLERANCE);
    }

    /**
     * A pod of two processes, each on a vGPU of its own at 30 % in one group, beside a vGPU at 70 %:
     * the pod together gets 30 (shares are the group's), not 2 × 30 against 70.
     */
    private void pod(ComputeMode mode) {
        resize(0, 70);
        double[] podShare = new double[reps], podGate = new double[reps], other = new double[reps], otherGate = new double[reps];
        progress(mode.label() + " pod of two at 30 beside 70");
        for (int rep = 0; rep < reps; rep++) {
            RemoteSpin o = loads.get(0);
            o.start();
            pod.forEach(RemoteSpin::start);
            long t0, t1;
            try {
                sleep(warm);
                t0 = System.nanoTime();
                sleep(window);
                t1 = System.nanoTime();
                podGate[rep] = fx.server.vgpu(podVgpu(0)).orElseThrow().groupSharePercent();
                otherGate[rep] = fx.server.vgpu(vgpu(0)).orElseThrow().sharePercent();
            } finally {
                o.stop();
                pod.forEach(RemoteSpin::stop);
            }
            for (RemoteSpin p : pod) podShare[rep] += 100.0 * p.completed(t0, t1) * kernelMillis * 1e6 / (t1 - t0);
            other[rep] = 100.0 * o.completed(t0, t1) * kernelMillis * 1e6 / (t1 - t0);
        }
        boolean off = mode == ComputeMode.OFF;
        report.share(mode.label(), "pod 2x30/70", "pod (2)", off ? -1 : 30, podShare, podGate, TOLERANCE);
        report.share(mode.label(), "pod 2x30/70", vgpu(0), off ? -1 : 70, other, otherGate, TOLERANCE);
    }

    /** 50/50, then 20/80 from a second in: when every 500 ms window from then on has the first within ±5 points of 20. */
    private void ratioChange(ComputeMode mode) {
        fx.server.reconfigureGate(gate(mode));
        double[] settle = new double[reps];
        progress(mode.label() + " ratio change");
        for (int rep = 0; rep < reps; rep++) {
            resize(0, 50);
            resize(1, 50);
            RemoteSpin a = loads.get(0);
            loads.get(0).start();
            loads.get(1).start();
            long change;
            long end;
            try {
                sleep(warm + 1_000_000_000L);
                change = System.nanoTime();
                resize(0, 20);
                resize(1, 80);
                sleep(2_500_000_000L);
                end = System.nanoTime();
            } finally {
                loads.get(0).stop();
                loads.get(1).stop();
            }
            long w = 500_000_000L, step = 25_000_000L, settled = -1;
            for (long t = change - w; t + w <= end; t += step) {
                double s = 100.0 * a.completed(t, t + w) * kernelMillis * 1e6 / w;
                boolean ok = Math.abs(s - 20) <= TOLERANCE;
                if (ok && settled < 0) settled = t + w;
                if (!ok) settled = -1;
            }
            settle[rep] = settled < 0 ? -1 : (settled - change) / 1e6;
        }
        report.settle(mode.label(), settle, 1000);
    }

    /** Saturating spin kernels alone: direct, through the gate (elastic, ratio 100), through the server with the gate off. */
    private void overhead(DirectSpin direct, int iters) {
        resize(0, 100);
        double[] d = new double[reps], on = new double[reps], off = new double[reps];
        progress("overhead");
        direct.iterations(iters);
        for (int rep = 0; rep < reps; rep++) {
            d[rep] = kernelsPerSecond(direct);
            fx.server.reconfigureGate(gate(ComputeMode.ELASTIC));
            on[rep] = kernelsPerSecond(loads.get(0));
            fx.server.reconfigureGate(gate(ComputeMode.OFF));
            off[rep] = kernelsPerSecond(loads.get(0));
        }
        report.overhead("spin kernels: direct", d, d, "kernels/s", 0);
        report.overhead("spin kernels: server, gate off", off, d, "kernels/s", 0);
        report.overhead("spin kernels: server, gate elastic at 100 %", on, d, "kernels/s", 0.97);
        emptyKernels();
    }

    private double kernelsPerSecond(SpinLoop loop) {
        loop.start();
        long t0, t1;
        try {
            sleep(warm);
            t0 = System.nanoTime();
            sleep(window);
            t1 = System.nanoTime();
        } finally {
            loop.stop();
        }
        return loop.completed(t0, t1) / ((t1 - t0) / 1e9);
    }

    /** The gate's own cost per launch: empty kernels queued and launch + synchronize, gate off against elastic. */
    private void emptyKernels() {
        int n = 50_000;
        double[] qOff = new double[reps], qOn = new double[reps], lOff = new double[reps], lOn = new double[reps];
        try (RemoteTarget t = new RemoteTarget("shm", fx.shmEndpoint, Kernels.emptyPtx(), 1 << 20, true)) {
            for (int rep = 0; rep < reps; rep++) {
                fx.server.reconfigureGate(gate(ComputeMode.OFF));
                qOff[rep] = Measure.queued(t, n);
                lOff[rep] = 1e6 / Measure.launchSync(t, n / 5).p50();
                fx.server.reconfigureGate(gate(ComputeMode.ELASTIC));
                qOn[rep] = Measure.queued(t, n);
                lOn[rep] = 1e6 / Measure.launchSync(t, n / 5).p50();
            }
        }
        report.overhead("empty kernels queued: gate off", qOff, qOff, "launches/s", 0);
        report.overhead("empty kernels queued: gate elastic", qOn, qOff, "launches/s", 0);
        report.overhead("launch + sync (1/p50): gate off", lOff, lOff, "per s", 0);
        report.overhead("launch + sync (1/p50): gate elastic", lOn, lOff, "per s", 0);
    }

    @FunctionalInterface
    private interface Run<T> {
        T run() throws Exception;
    }

    private static <T> T call(Run<T> r) {
        try {
            return r.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void progress(String what) {
        System.err.println("bench: " + what);
    }
}
