package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuFunction;
import io.orion.client.bench.SpinKernel;
import io.orion.server.internal.gate.Admission;
import io.orion.server.internal.gate.ComputeGate;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.DeviceTrack;
import io.orion.server.internal.gate.GateSettings;
import io.orion.server.internal.gate.GateTenant;
import io.orion.server.internal.gate.ShareAccount;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compute gate's logic, deterministically: the real gate (ComputeGate with its per-GPU thread,
 * device tracks, events and intervals) over the real host backend, both reading device time
 * ({@link DeviceTimeClock}): a kernel costs exactly {@value #KERNEL} ns whatever the machine's load,
 * and idle time passes only while nothing is queued. So shares come out as the gate's logic makes
 * them, not as two shared cores happen to run the interpreter, and are checked within 2 points —
 * twice: by what the gate measured (the vGPUs' accounts) and by kernels launched × their cost.
 *
 * <p>What this leaves to ShareSchedulerTest (simulated time, many more cases) and the H200 benchmark
 * (real kernels, real time): the cost of a hand-over, and ratios' accuracy at scale.
 */
class GateOnHostBackendTest {
    private static final long MS = 1_000_000;
    private static final long SECOND = 1000 * MS;
    /** What one spin kernel costs in device time. */
    private static final long KERNEL = 250_000;
    private static final int ITERS = 50;
    private static final double POINTS = 2.0;

    private DeviceTimeClock clock;
    private GpuBackend backend;
    private String gpu;
    private ComputeGate gate;
    private final List<Process> processes = new ArrayList<>();
    private static long ratioSets;

    /** A granted vGPU as the gate sees it. */
    static final class Vgpu implements GateTenant {
        final String id, group;
        volatile int ratio;
        volatile long ratioVersion = ++ratioSets;
        final ShareAccount account = new ShareAccount();
        ShareAccount groupAccount = account;

        Vgpu(String id, String group, int ratio) {
            this.id = id;
            this.group = group;
            this.ratio = ratio;
        }

        void resize(int r) {
            ratio = r;
            ratioVersion = ++ratioSets;
        }

        @Override public String id() { return id; }
        @Override public String groupId() { return group; }
        @Override public int ratio() { return ratio; }
        @Override public long ratioVersion() { return ratioVersion; }
        @Override public ShareAccount account() { return account; }
        @Override public ShareAccount groupAccount() { return groupAccount; }
    }

    /** A client process: a context of its own, launching spin kernels through the gate on its own thread while active. */
    final class Process implements AutoCloseable {
        final Vgpu vgpu;
        final GpuContext ctx;
        final DeviceTrack track;
        final AtomicLong launched = new AtomicLong();
        final SpinKernel kernel = new SpinKernel(true, 1);
        private final GpuFunction spin;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment args = arena.allocate(16, 8);
        private final Thread thread;
        volatile boolean active;
        volatile boolean stop;
        /** Device time its first launch after {@link #activate} passed the gate; -1 before. */
        volatile long firstAdmitted = -1;
        volatile Throwable failure;

        Process(Vgpu vgpu, boolean active) {
            this.vgpu = vgpu;
            this.active = active;
            ctx = backend.openContext(gpu);
            spin = ctx.function(ctx.loadModule(MemorySegment.ofArray(SpinKernel.ptx())), SpinKernel.NAME);
            args.set(ValueLayout.JAVA_LONG, 0, ctx.memAlloc(4L * kernel.threads));
            args.set(ValueLayout.JAVA_INT, 8, ITERS);
            track = gate.track(vgpu, gpu, ctx);
            thread = Thread.ofPlatform().daemon().name("process-" + vgpu.id).start(this::run);
        }

        private void run() {
            try {
                while (!stop) {
                    if (!active) {
                        LockSupport.parkNanos(MS);
                        continue;
                    }
                    Admission a = gate.admit(track, null);
                    if (firstAdmitted < 0) firstAdmitted = clock.nanos();
                    try {
                        ctx.launch(spin, kernel.grid, kernel.block, 0, null, args);
                    } finally {
                        a.done();
                    }
                    launched.incrementAndGet();
                }
            } catch (Throwable e) {
                if (!stop) failure = e; // stopping fails a launch held in the gate, as a closing session's
            }
        }

        void activate() {
            firstAdmitted = -1;
            active = true;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            gate.closing(track); // a launch held in the gate fails at once
            thread.join(10_000);
            ctx.close();
            arena.close();
        }
    }

    /** What was consumed by then: per process, GPU ms measured and kernels launched, and the device time. */
    private record Snapshot(long at, long[] gpuMillis, long[] launched) {}

    @BeforeEach
    void start() {
        clock = new DeviceTimeClock(1);
        backend = TestBackends.host(1, 256, clock);
        gpu = backend.devices().get(0).uuid();
        // calibrate: one kernel's instructions (the same for every launch), so that it costs KERNEL
        GpuContext c = backend.openContext(gpu);
        try (Arena arena = Arena.ofConfined()) {
            SpinKernel k = new SpinKernel(true, 1);
            GpuFunction f = c.function(c.loadModule(MemorySegment.ofArray(SpinKernel.ptx())), SpinKernel.NAME);
            MemorySegment a = arena.allocate(16, 8);
            a.set(ValueLayout.JAVA_LONG, 0, c.memAlloc(4L * k.threads));
            a.set(ValueLayout.JAVA_INT, 8, ITERS);
            long before = clock.instructions();
            c.launch(f, k.grid, k.block, 0, null, a);
            c.synchronize();
            clock.nanosPerInstruction((double) KERNEL / (clock.instructions() - before));
        } finally {
            c.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) p.close();
        for (Process p : processes) if (p.failure != null) throw new AssertionError(p.vgpu.id + " failed", p.failure);
        if (gate != null) gate.close();
        TestBackends.close(backend);
        clock.close();
    }

    private void gate(ComputeMode mode) {
        gate = new ComputeGate(GateSettings.defaults().withMode(mode).withShareWindow(Duration.ofSeconds(1)), clock);
    }

    private Process process(Vgpu v, boolean active) {
        Process p = new Process(v, active);
        processes.add(p);
        return p;
    }

    private Snapshot snapshot(List<Process> ps) {
        long at = clock.nanos();
        long[] ms = new long[ps.size()], n = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            ms[i] = ps.get(i).vgpu.account.gpuMillis();
            n[i] = ps.get(i).launched.get();
        }
        return new Snapshot(at, ms, n);
    }

    /**
     * Shares of the GPU (percent) each process got from device time {@code from} to {@code to}:
     * [0] as the gate measured them, [1] counted as kernels launched × their cost.
     */
    private double[][] shares(List<Process> ps, long from, long to) {
        clock.awaitTime(from);
        Snapshot a = snapshot(ps);
        clock.awaitTime(to);
        Snapshot b = snapshot(ps);
        double span = b.at - a.at;
        double[][] s = new double[2][ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            s[0][i] = 100.0 * (b.gpuMillis[i] - a.gpuMillis[i]) * MS / span;
            s[1][i] = 100.0 * (b.launched[i] - a.launched[i]) * KERNEL / span;
        }
        return s;
    }

    /** Shares of the GPU's time, as expected (a tenant alone, or capped). */
    private static void assertShares(double[][] measured, double... expected) {
        String what = String.format(Locale.ROOT, "expected %s; the gate measured %s, kernels counted %s", Arrays.toString(expected),
                show(measured[0]), show(measured[1]));
        System.out.println("shares of the GPU: " + what); // the figures docs/compute-sharing.md quotes
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], measured[0][i], POINTS, what);
            assertEquals(expected[i], measured[1][i], POINTS, what);
        }
    }

    /**
     * Shares of the time the GPU was busy, as expected (tenants that all want the GPU): the split is
     * what the gate decides; time lost to hand-overs the machine was slow to carry out (a stalled
     * thread: idle device time) is nobody's, and is checked apart: the GPU is at least 95 % busy.
     */
    private static void assertSplit(double[][] measured, double... expected) {
        double[][] split = new double[2][];
        for (int k = 0; k < 2; k++) {
            double busy = Arrays.stream(measured[k]).sum();
            assertTrue(busy > 95, "the GPU was busy " + busy + " % of the time: " + show(measured[k]));
            split[k] = Arrays.stream(measured[k]).map(x -> 100 * x / busy).toArray();
        }
        String what = String.format(Locale.ROOT, "expected %s of the busy time; the gate measured %s (%s of the GPU), kernels counted %s",
                Arrays.toString(expected), show(split[0]), show(measured[0]), show(split[1]));
        System.out.println("split of the busy GPU: " + what); // the figures docs/compute-sharing.md quotes
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], split[0][i], POINTS, what);
            assertEquals(expected[i], split[1][i], POINTS, what);
        }
    }

    private static String show(double[] d) {
        StringBuilder b = new StringBuilder("[");
        for (double x : d) b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", x));
        return b.append(']').toString();
    }

    private long now() {
        return clock.nanos();
    }

    @ParameterizedTest(name = "{0} {1}/{2}")
    @CsvSource({"elastic, 50, 50", "elastic, 30, 70", "strict, 30, 70"})
    void twoBusyVgpusGetTheirRatios(String mode, int ra, int rb) {
        gate(ComputeMode.parse(mode, "mode", false));
        clock.idleTime(mode.equals("strict")); // strict budgets refill with time, also while the GPU idles
        Process a = process(new Vgpu("a", "", ra), true), b = process(new Vgpu("b", "", rb), true);
        long t = now();
        assertSplit(shares(List.of(a, b), t + 300 * MS, t + 2300 * MS), ra, rb);
        assertTrue(a.vgpu.account.heldBackMillis(now()) > 100 && b.vgpu.account.heldBackMillis(now()) > 100,
                "each waited for the other's slices");
        assertTrue(gate.stats().getFirst().switches() > 50, "slices alternate: " + gate.stats());
    }

    @Test
    void strictCapsALoneVgpuAtItsRatio() {
        gate(ComputeMode.STRICT);
        Process a = process(new Vgpu("alone", "", 30), true);
        long t = now();
        assertShares(shares(List.of(a), t + 300 * MS, t + 2300 * MS), 30);
        assertEquals(30, gate.sharePercent(a.vgpu), POINTS, "reported over the share window");
        long held = a.vgpu.account.heldBackMillis(now());
        assertTrue(held > 1200, "held back about 70 % of the time: " + held + " ms of device time");
    }

    @Test
    void elasticLendsTheIdleGpuAndGivesItBackWithinASlice() {
        gate(ComputeMode.ELASTIC);
        Process a = process(new Vgpu("a", "", 30), true), b = process(new Vgpu("b", "", 70), false);
        long t = now();
        assertShares(shares(List.of(a, b), t + 200 * MS, t + 1200 * MS), 100, 0); // alone: no hand-overs
        long back = now();
        b.activate();
        while (b.firstAdmitted < 0) LockSupport.parkNanos(MS);
        long waited = b.firstAdmitted - back;
        // a slice, plus a's lookahead to drain, plus the device time until the test thread's activation was seen
        assertTrue(waited < 20 * MS, "b waited " + waited / 1000 + " us of device time for the GPU");
        assertSplit(shares(List.of(a, b), back + 300 * MS, back + 2300 * MS), 30, 70);
    }

    @Test
    void aRatioChangeAppliesToRunningProcessesAtOnce() {
        gate(ComputeMode.ELASTIC);
        clock.idleTime(false); // both always want the GPU: a thread the machine stalls costs it nothing
        Process a = process(new Vgpu("a", "", 50), true), b = process(new Vgpu("b", "", 50), true);
        long t = now();
        assertSplit(shares(List.of(a, b), t + 300 * MS, t + 1300 * MS), 50, 50);
        long change = now();
        a.vgpu.resize(20);
        b.vgpu.resize(80);
        gate.changed();
        // the new shares from the next slices on: checked over the second after the change
        assertSplit(shares(List.of(a, b), change + 50 * MS, change + 1050 * MS), 20, 80);
    }

    @Test
    void theProcessesOfAGroupShareOneRatio() {
        gate(ComputeMode.ELASTIC);
        clock.idleTime(false); // all always want the GPU: a thread the machine stalls costs it nothing
        Vgpu podA = new Vgpu("pod-a", "pod", 50), podB = new Vgpu("pod-b", "pod", 50);
        podA.groupAccount = podB.groupAccount = new ShareAccount();
        Process a = process(podA, true), b = process(podB, true), other = process(new Vgpu("other", "", 50), true);
        long t = now();
        double[][] s = shares(List.of(a, b, other), t + 300 * MS, t + 2300 * MS);
        // the pod's two processes run side by side: together they get the pod's ratio (not one each)
        double[][] grouped = {{s[0][0] + s[0][1], s[0][2]}, {s[1][0] + s[1][1], s[1][2]}};
        assertSplit(grouped, 50, 50);
        assertTrue(s[1][0] > 10 && s[1][1] > 10, "both processes of the pod are served: " + show(s[1]));
        long at = now();
        assertEquals(50, gate.groupRatio(podA));
        assertEquals(podA.account.gpuMillis() + podB.account.gpuMillis(), podA.groupAccount.gpuMillis(), 2,
                "the group's GPU time is its vGPUs' summed");
        long ha = podA.account.heldBackMillis(at), hb = podB.account.heldBackMillis(at), hg = podA.groupAccount.heldBackMillis(at);
        assertTrue(hg >= Math.max(ha, hb) && hg <= ha + hb + 1, "held back: pod-a " + ha + ", pod-b " + hb + ", the pod " + hg + " ms");
    }
}
