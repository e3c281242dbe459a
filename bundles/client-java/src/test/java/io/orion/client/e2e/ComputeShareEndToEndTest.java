package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuStatus;
import io.orion.client.bench.ComputeShareBench;
import io.orion.client.bench.DirectSpin;
import io.orion.client.bench.RemoteSpin;
import io.orion.client.bench.SpinKernel;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.GateSettings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compute gate through the real server on the host backend: real sessions over shm, real
 * launches of a spin kernel interpreted on the CPU, real events. Checks the shares roughly.
 *
 * <p>Why the tolerances are wide: this runs on two cores that the interpreter's worker threads
 * share with both clients, the server's session threads, the gate's thread and whatever else the
 * machine builds, so a kernel's duration changes with the load; kernels of a few milliseconds
 * against 10 ms slices leave a few slices of granularity in a 3 s window. The exact shares are
 * ShareSchedulerTest's (simulated time) and the H200 benchmark's.
 */
class ComputeShareEndToEndTest {
    private static GpuBackend backend;
    private static ServerFixture fx;
    private static SpinKernel kernel;
    private static int iters;

    @BeforeAll
    static void start() throws IOException {
        backend = TestBackends.host(1, 512);
        GpuDevice gpu = backend.devices().get(0);
        kernel = new SpinKernel(true, gpu.multiprocessors());
        try (DirectSpin d = new DirectSpin(backend, gpu.uuid(), kernel)) {
            iters = ComputeShareBench.calibrate(d, 3, true);
        }
        fx = new ServerFixture(backend, ServerFixture.testSettings());
        fx.server.grant(new VgpuGrant("small", gpu.uuid(), 64, 25, ""));
        fx.server.grant(new VgpuGrant("large", gpu.uuid(), 64, 75, ""));
    }

    @AfterAll
    static void stop() throws IOException {
        fx.close();
        TestBackends.close(backend);
    }

    private static RemoteSpin load(String vgpu) {
        RemoteSpin r = new RemoteSpin(fx.shmEndpoint, vgpu, kernel, false);
        r.iterations(iters);
        return r;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoBusyVgpusGetTheirRatios() {
        fx.server.reconfigureGate(GateSettings.defaults().withMode(ComputeMode.ELASTIC).withShareWindow(Duration.ofSeconds(3)));
        try (RemoteSpin small = load("small"); RemoteSpin large = load("large")) {
            small.start();
            large.start();
            long t0, t1;
            VgpuStatus s, l;
            try {
                sleep(1000);
                t0 = System.nanoTime();
                sleep(3000);
                t1 = System.nanoTime();
                s = fx.server.vgpu("small").orElseThrow();
                l = fx.server.vgpu("large").orElseThrow();
            } finally {
                small.stop();
                large.stop();
            }
            int ns = small.completed(t0, t1), nl = large.completed(t0, t1);
            double counted = 100.0 * ns / (ns + nl);
            String what = String.format(Locale.ROOT, "kernels %d and %d (%.1f %% to small); the gate measured %.1f %% and %.1f %%",
                    ns, nl, counted, s.sharePercent(), l.sharePercent());
            assertEquals(25, counted, 12, what);
            assertEquals(25, s.sharePercent(), 10, what);
            assertEquals(75, l.sharePercent(), 15, what);
            assertTrue(s.heldBackMillis() > 500 && l.heldBackMillis() > 100, "each waited for the other's slices: "
                    + s.heldBackMillis() + " and " + l.heldBackMillis() + " ms");
            assertEquals("elastic", s.computeMode());
            assertTrue(fx.server.gateStats().get(0).switches() > 50, "slices alternate: " + fx.server.gateStats());
        }
    }

    @Test
    void strictCapsALoneVgpuAndElasticLendsItTheGpu() {
        try (RemoteSpin small = load("small")) {
            fx.server.reconfigureGate(GateSettings.defaults().withMode(ComputeMode.ELASTIC));
            double elastic = rate(small);
            fx.server.reconfigureGate(GateSettings.defaults().withMode(ComputeMode.STRICT).withShareWindow(Duration.ofSeconds(2)));
            double strict = rate(small);
            VgpuStatus s = fx.server.vgpu("small").orElseThrow();
            String what = String.format(Locale.ROOT, "%.1f kernels/s strict at 25 %%, %.1f elastic; the gate measured %.1f %%",
                    strict, elastic, s.sharePercent());
            assertEquals(0.25, strict / elastic, 0.1, what);
            assertEquals(25, s.sharePercent(), 8, what);
            assertEquals("strict", s.computeMode());
        }
    }

    /** Kernels per second over 2 s after 0.5 s. */
    private static double rate(RemoteSpin r) {
        r.start();
        long t0, t1;
        try {
            sleep(500);
            t0 = System.nanoTime();
            sleep(2000);
            t1 = System.nanoTime();
        } finally {
            r.stop();
        }
        return r.completed(t0, t1) / ((t1 - t0) / 1e9);
    }
}
