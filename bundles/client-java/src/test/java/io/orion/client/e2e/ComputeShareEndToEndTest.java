package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuStatus;
import io.orion.client.bench.DirectSpin;
import io.orion.client.bench.RemoteSpin;
import io.orion.client.bench.SpinKernel;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.GateSettings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compute gate through the real server: real client sessions over shm on granted vGPUs, groups
 * checked at attach, the launch seam, and the figures the server reports ({@link VgpuStatus}). The
 * host backend's events and the server's gate read device time ({@link DeviceTimeClock}: a kernel
 * costs exactly {@value #KERNEL} ns), so the checks hold within 2 points on a loaded machine.
 * GateOnHostBackendTest has the gate's cases without the server; this checks what the server adds:
 * its sessions are the gate's processes, its grants and groups the gate's tenants, and its status
 * says what the gate measured.
 */
class ComputeShareEndToEndTest {
    private static final long MS = 1_000_000;
    private static final long KERNEL = 500_000;
    private static final int ITERS = 200;
    private static final double POINTS = 2.0;
    /**
     * Device time before a share is measured: the clients' first kernels (JIT, first frames) are
     * slow, and a holder that stalls for more than the ticker's idle threshold loses its slice, as a
     * quiet holder should; not what these checks are about.
     */
    private static final long WARM = 1000 * MS;

    private static DeviceTimeClock clock;
    private static GpuBackend backend;
    private static ServerFixture fx;
    private static SpinKernel kernel;

    @BeforeAll
    static void start() throws IOException {
        clock = new DeviceTimeClock(1);
        backend = TestBackends.host(1, 512, clock);
        GpuDevice gpu = backend.devices().get(0);
        kernel = new SpinKernel(true, gpu.multiprocessors());
        try (DirectSpin d = new DirectSpin(backend, gpu.uuid(), kernel)) {
            long before = clock.instructions();
            d.millisPerKernel(ITERS, 4); // five kernels of ITERS: a warm one and four timed
            clock.nanosPerInstruction(KERNEL / ((clock.instructions() - before) / 5.0));
        }
        fx = new ServerFixture(backend, ServerFixture.testSettings(), GateSettings.defaults().withShareWindow(Duration.ofSeconds(2)), clock);
        fx.server.grant(new VgpuGrant("small", gpu.uuid(), 64, 25, ""));
        fx.server.grant(new VgpuGrant("large", gpu.uuid(), 64, 75, ""));
        // a pod of two processes, each with the vGPU the controller allocated it
        fx.server.grant(new VgpuGrant("pod-a", gpu.uuid(), 64, 25, "pod"));
        fx.server.grant(new VgpuGrant("pod-b", gpu.uuid(), 64, 25, "pod"));
    }

    @AfterAll
    static void stop() throws IOException {
        fx.close();
        TestBackends.close(backend);
        clock.close();
    }

    private static RemoteSpin load(String vgpu, String group) {
        RemoteSpin r = new RemoteSpin(fx.shmEndpoint, vgpu, group, kernel, false);
        r.iterations(ITERS);
        r.start();
        return r;
    }

    /**
     * Stops the loads and closes their sessions (a vGPU without a group takes one process at a time).
     * Idle time passes again first: a load that stops leaves its slice only as a quiet holder does.
     */
    private static void end(RemoteSpin... loads) {
        clock.idleTime(true);
        for (RemoteSpin r : loads) r.stop();
        for (RemoteSpin r : loads) r.close();
    }

    private static Map<String, VgpuStatus> status() {
        return fx.server.vgpus().stream().collect(Collectors.toMap(s -> s.grant().id(), Function.identity()));
    }

    /**
     * Shares of the GPU (percent) of {@code ids} over device time [from, to): [0] as the server
     * reports the gate's measurements (GPU ms), [1] as kernels the server launched × their cost.
     */
    private static double[][] shares(List<String> ids, long from, long to) {
        clock.awaitTime(from);
        long t0 = clock.nanos();
        Map<String, VgpuStatus> a = status();
        clock.awaitTime(to);
        long t1 = clock.nanos();
        Map<String, VgpuStatus> b = status();
        double[][] s = new double[2][ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            s[0][i] = 100.0 * (b.get(id).gpuMillis() - a.get(id).gpuMillis()) * MS / (t1 - t0);
            s[1][i] = 100.0 * (b.get(id).launches() - a.get(id).launches()) * KERNEL / (t1 - t0);
        }
        return s;
    }

    /** The split of the GPU's busy time (at least 95 % of it; all of it without idle time) among tenants that all want it, both ways measured. */
    private static void assertSplit(double[][] measured, double... expected) {
        String what = String.format(Locale.ROOT, "expected %s of the busy time; measured %s of the GPU (gate, kernels)",
                Arrays.toString(expected), Arrays.deepToString(measured));
        System.out.println("through the server: " + what); // the figures docs/compute-sharing.md quotes
        for (double[] m : measured) {
            double busy = Arrays.stream(m).sum();
            assertTrue(busy > 95, "the GPU was busy " + busy + " %: " + what);
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], 100 * m[i] / busy, POINTS, what);
        }
    }

    @Test
    void twoBusyVgpusGetTheirRatios() {
        fx.server.reconfigureGate(fx.server.gateSettings().withMode(ComputeMode.ELASTIC));
        clock.idleTime(false); // both always want the GPU: a client the machine stalls costs it nothing
        RemoteSpin small = load("small", ""), large = load("large", "");
        try {
            long t = clock.nanos();
            assertSplit(shares(List.of("small", "large"), t + WARM, t + WARM + 2000 * MS), 25, 75);
            Map<String, VgpuStatus> st = status();
            VgpuStatus s = st.get("small"), l = st.get("large");
            assertEquals(25, s.sharePercent(), POINTS + 1, "reported over the share window: " + s);
            assertEquals(75, l.sharePercent(), POINTS + 1, "reported over the share window: " + l);
            assertTrue(s.heldBackMillis() > 200 && l.heldBackMillis() > 50, "each waited for the other's slices: "
                    + s.heldBackMillis() + " and " + l.heldBackMillis() + " ms");
            assertEquals("elastic", s.computeMode());
            assertEquals(s.sharePercent(), s.groupSharePercent(), "no group: its own figures");
            assertTrue(fx.server.gateStats().getFirst().switches() > 50, "slices alternate: " + fx.server.gateStats());
        } finally {
            end(small, large);
        }
    }

    /** Two sessions of one pod, each on its own vGPU: the pod gets its ratio once, not once per process. */
    @Test
    void theProcessesOfAPodShareItsRatio() {
        fx.server.reconfigureGate(fx.server.gateSettings().withMode(ComputeMode.ELASTIC));
        clock.idleTime(false); // all always want the GPU: a client the machine stalls costs it nothing
        RemoteSpin a = load("pod-a", "pod"), b = load("pod-b", "pod"), large = load("large", "");
        try {
            long t = clock.nanos();
            double[][] s = shares(List.of("pod-a", "pod-b", "large"), t + WARM, t + WARM + 2000 * MS);
            double[][] pod = {{s[0][0] + s[0][1], s[0][2]}, {s[1][0] + s[1][1], s[1][2]}};
            assertSplit(pod, 25, 75);
            assertTrue(s[1][0] > 3 && s[1][1] > 3, "both processes of the pod are served: " + Arrays.toString(s[1]));
            Map<String, VgpuStatus> st = status();
            VgpuStatus pa = st.get("pod-a"), pb = st.get("pod-b");
            assertEquals(25, pa.groupRatio(), "the pod's ratio");
            assertEquals(pa.sharePercent() + pb.sharePercent(), pa.groupSharePercent(), 1.0, "the pod's share is its vGPUs' summed");
            assertEquals(pa.groupSharePercent(), pb.groupSharePercent(), 0.5, "both report their pod's");
            assertEquals(25, pa.groupSharePercent(), POINTS + 1);
            assertTrue(pa.groupHeldBackMillis() >= Math.max(pa.heldBackMillis(), pb.heldBackMillis())
                    && pa.groupHeldBackMillis() <= pa.heldBackMillis() + pb.heldBackMillis() + 1,
                    "held back: " + pa.heldBackMillis() + " and " + pb.heldBackMillis() + " ms, the pod " + pa.groupHeldBackMillis());
        } finally {
            end(a, b, large);
        }
    }

    @Test
    void strictCapsALoneVgpu() {
        fx.server.reconfigureGate(fx.server.gateSettings().withMode(ComputeMode.STRICT));
        RemoteSpin small = load("small", "");
        try {
            long t = clock.nanos();
            double[][] s = shares(List.of("small"), t + WARM, t + WARM + 2000 * MS);
            System.out.println("through the server, strict alone at 25: " + Arrays.deepToString(s) + " of the GPU (gate, kernels)");
            assertEquals(25, s[0][0], POINTS, "as the gate measured: " + Arrays.deepToString(s));
            assertEquals(25, s[1][0], POINTS, "kernels counted: " + Arrays.deepToString(s));
            VgpuStatus st = status().get("small");
            assertEquals(25, st.sharePercent(), POINTS + 1);
            assertEquals("strict", st.computeMode());
        } finally {
            end(small);
            fx.server.reconfigureGate(fx.server.gateSettings().withMode(ComputeMode.ELASTIC));
        }
    }
}
