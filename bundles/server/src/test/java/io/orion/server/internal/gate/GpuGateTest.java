package io.orion.server.internal.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate with its threads, on a pretend GPU that keeps real time (TimedContext): exclusive
 * slices, the fast path's cost in events, and what happens to a launch held back when its session
 * closes, its ratio changes or the gate is switched off. Shares themselves are ShareSchedulerTest's.
 */
class GpuGateTest {
    private static final String GPU = "GPU-test";

    private static final java.util.concurrent.atomic.AtomicLong RATIO_SETS = new java.util.concurrent.atomic.AtomicLong();

    static final class Vgpu implements GateTenant {
        final String id, group;
        volatile int ratio;
        volatile long ratioVersion = RATIO_SETS.incrementAndGet();
        final ShareAccount account = new ShareAccount();
        ShareAccount groupAccount = account;

        Vgpu(String id, int ratio) {
            this(id, "", ratio);
        }

        Vgpu(String id, String group, int ratio) {
            this.id = id;
            this.group = group;
            this.ratio = ratio;
        }

        /** Another vGPU of this one's group, sharing its group account. */
        Vgpu sibling(String siblingId, int siblingRatio) {
            if (groupAccount == account) groupAccount = new ShareAccount();
            Vgpu s = new Vgpu(siblingId, group, siblingRatio);
            s.groupAccount = groupAccount;
            return s;
        }

        void resize(int r) {
            ratio = r;
            ratioVersion = RATIO_SETS.incrementAndGet();
        }

        @Override public String id() { return id; }
        @Override public String groupId() { return group; }
        @Override public int ratio() { return ratio; }
        @Override public long ratioVersion() { return ratioVersion; }
        @Override public ShareAccount account() { return account; }
        @Override public ShareAccount groupAccount() { return groupAccount; }
    }

    private final TimedContext.Device device = new TimedContext.Device();
    private ComputeGate gate;

    @AfterEach
    void close() {
        if (gate != null) gate.close();
    }

    private static void launch(ComputeGate gate, DeviceTrack t, TimedContext ctx) {
        Admission a = gate.admit(t, null);
        try {
            ctx.launch(null, null, null, 0, null, null);
        } finally {
            a.done();
        }
    }

    /** A thread of its own (a session's) that launches on the track until stopped; counts its launches in {@code n}. */
    private CompletableFuture<Integer> loop(DeviceTrack t, TimedContext ctx, AtomicBoolean stop, AtomicInteger n) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!stop.get()) {
                    launch(gate, t, ctx);
                    n.incrementAndGet();
                }
                f.complete(n.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Test
    void aLoneVgpuSharesEventsAmongTinyKernels() throws Exception {
        gate = new ComputeGate(GateSettings.defaults());
        Vgpu v = new Vgpu("alone", 30);
        // kernels longer than a launch takes to queue: the stream never runs dry, so intervals hold no idle time
        TimedContext ctx = new TimedContext(device, 20_000);
        DeviceTrack t = gate.track(v, GPU, ctx);
        int n = 10_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) launch(gate, t, ctx);
        long wallMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(500_000 / 20_000, t.perInterval(), "20 us kernels: a quantum's worth of launches per event pair");
        // two events per interval; the first intervals, before the estimate, hold one launch each
        assertTrue(ctx.eventsRecorded.get() < 2 * n / 20, ctx.eventsRecorded.get() + " events for " + n + " launches");
        assertTrue(ctx.eventsCreated.get() < 40, "events are reused: " + ctx.eventsCreated.get() + " created");
        assertEquals(0, v.account.heldBackMillis(System.nanoTime()), "alone, it never waited");
        // what it consumed is charged within the gate's sampling period (a tenth of the share window)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long work = n * 20_000L / 1_000_000;
        while (v.account.gpuMillis() < work && System.nanoTime() < deadline) Thread.sleep(20);
        // all of the work, and no more than the time it took (where this machine queues slower than the
        // kernels run, intervals hold the idle time between their launches: documented)
        long gpu = v.account.gpuMillis();
        assertTrue(gpu >= work - 1 && gpu <= Math.max(work, wallMillis) + 3, gpu + " ms measured: " + work
                + " ms of kernels queued in " + wallMillis + " ms");
    }

    @Test
    void onlyOneVgpuHasWorkOnTheGpuAtATime() throws Exception {
        gate = new ComputeGate(GateSettings.defaults().withSlice(Duration.ofMillis(5)));
        Vgpu a = new Vgpu("a", 50), b = new Vgpu("b", 50);
        TimedContext ca = new TimedContext(device, 200_000), cb = new TimedContext(device, 300_000);
        DeviceTrack ta = gate.track(a, GPU, ca), tb = gate.track(b, GPU, cb);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> na = loop(ta, ca, stop, new AtomicInteger()), nb = loop(tb, cb, stop, new AtomicInteger());
        Thread.sleep(800);
        stop.set(true);
        int la = na.get(5, TimeUnit.SECONDS), lb = nb.get(5, TimeUnit.SECONDS);
        assertEquals(0, device.overlaps.get(), "launches queued while another vGPU's kernel ran, of " + device.launches.get());
        assertTrue(la > 100 && lb > 100, "both served: " + la + " and " + lb + " launches");
        assertTrue(gate.stats().get(0).switches() > 20, "slices alternate: " + gate.stats());
        assertTrue(a.account.heldBackMillis(System.nanoTime()) > 100, "a waited for b's slices");
    }

    @Test
    void vgpusOfOneGroupAreOneTenantWhoseRatioIsTheOneSetLast() throws Exception {
        gate = new ComputeGate(GateSettings.defaults().withSlice(Duration.ofMillis(5)));
        Vgpu a = new Vgpu("pod-a", "pod-1", 30), other = new Vgpu("other", 50);
        Vgpu b = a.sibling("pod-b", 60);
        TimedContext ca = new TimedContext(device, 200_000), cb = new TimedContext(device, 200_000), co = new TimedContext(device, 200_000);
        DeviceTrack ta = gate.track(a, GPU, ca), tb = gate.track(b, GPU, cb), to = gate.track(other, GPU, co);
        assertEquals(2, gate.stats().get(0).tenants(), "the pod's two vGPUs are one tenant");
        assertEquals(60, gate.groupRatio(a), "pod-b was granted last");
        assertEquals(60, gate.groupRatio(b));
        a.resize(20);
        assertEquals(20, gate.groupRatio(b), "a resize of any vGPU of the group sets the group's ratio");
        assertEquals(50, gate.groupRatio(other), "without a group, its own");
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> na = loop(ta, ca, stop, new AtomicInteger()), nb = loop(tb, cb, stop, new AtomicInteger()),
                no = loop(to, co, stop, new AtomicInteger());
        Thread.sleep(600);
        stop.set(true);
        na.get(5, TimeUnit.SECONDS);
        nb.get(5, TimeUnit.SECONDS);
        no.get(5, TimeUnit.SECONDS);
        long now = System.nanoTime();
        assertEquals(a.account.gpuMillis() + b.account.gpuMillis(), a.groupAccount.gpuMillis(), 2, "the group's time is its vGPUs' summed");
        assertTrue(a.account.gpuMillis() > 0 && b.account.gpuMillis() > 0, "each vGPU's own time is counted");
        long ha = a.account.heldBackMillis(now), hb = b.account.heldBackMillis(now), hg = a.groupAccount.heldBackMillis(now);
        assertTrue(hg >= Math.max(ha, hb) && hg <= ha + hb + 1, "held back: pod-a " + ha + ", pod-b " + hb + ", group " + hg + " ms");
        assertTrue(other.account.heldBackMillis(now) > 0);
        gate.closing(tb);
        assertEquals(20, gate.groupRatio(a), "pod-b left: pod-a's own ratio");
        assertEquals(60, gate.groupRatio(b), "pod-b has no process on the GPU any more: its own ratio");
        gate.closing(ta);
        assertEquals(1, gate.stats().get(0).tenants(), "the group left the gate with its last process");
    }

    @Test
    void aKernelFarLongerThanASliceDoesNotStopTheOthers() throws Exception {
        gate = new ComputeGate(GateSettings.defaults().withSlice(Duration.ofMillis(5))); // hands on after 50 ms at most
        Vgpu hog = new Vgpu("hog", 50), other = new Vgpu("other", 50);
        TimedContext ch = new TimedContext(device, 400_000_000), co = new TimedContext(device, 100_000);
        DeviceTrack th = gate.track(hog, GPU, ch), to = gate.track(other, GPU, co);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> h = loop(th, ch, stop, new AtomicInteger());
        Thread.sleep(20);
        long t0 = System.nanoTime();
        launch(gate, to, co);
        long waited = (System.nanoTime() - t0) / 1_000_000;
        stop.set(true);
        assertTrue(waited < 200, "the other vGPU waited " + waited + " ms behind 400 ms kernels");
        h.get(5, TimeUnit.SECONDS);
    }

    /** A strict vGPU at 1 % keeps launching: after its first slice it waits about a second for the next. */
    private CompletableFuture<Integer> heldBack(Vgpu v, DeviceTrack t, TimedContext ctx, AtomicBoolean stop, AtomicInteger n)
            throws InterruptedException {
        CompletableFuture<Integer> f = loop(t, ctx, stop, n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (v.account.heldBackMillis(System.nanoTime()) < 50 && System.nanoTime() < deadline) Thread.sleep(5);
        int before = n.get();
        Thread.sleep(50);
        assertEquals(before, n.get(), "the capped vGPU is held back");
        return f;
    }

    private ComputeGate strict() {
        return new ComputeGate(GateSettings.defaults().withMode(ComputeMode.STRICT).withSlice(Duration.ofMillis(10)));
    }

    @Test
    void aSessionClosingWhileHeldBackFailsItsLaunchAtOnce() throws Exception {
        gate = strict();
        Vgpu v = new Vgpu("capped", 1);
        TimedContext c = new TimedContext(device, 1_000_000);
        DeviceTrack t = gate.track(v, GPU, c);
        CompletableFuture<Integer> f = heldBack(v, t, c, new AtomicBoolean(), new AtomicInteger());
        gate.closing(t);
        Throwable e = assertThrows(Exception.class, () -> f.get(200, TimeUnit.MILLISECONDS)).getCause();
        assertTrue(e instanceof GpuException g && g.error() == CudaError.INVALID_CONTEXT, String.valueOf(e));
        assertEquals(List.of(0), gate.stats().stream().map(GpuGate.Stats::tenants).toList(), "the vGPU left the gate");
    }

    @Test
    void aRatioRaisedWhileHeldBackAppliesAtOnce() throws Exception {
        gate = strict();
        Vgpu v = new Vgpu("capped", 1);
        TimedContext c = new TimedContext(device, 1_000_000);
        DeviceTrack t = gate.track(v, GPU, c);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger n = new AtomicInteger();
        CompletableFuture<Integer> f = heldBack(v, t, c, stop, n);
        int before = n.get();
        v.ratio = 100;
        gate.changed();
        Thread.sleep(100);
        assertTrue(n.get() > before + 20, "launching again: " + (n.get() - before) + " launches of 1 ms in 100 ms");
        stop.set(true);
        f.get(2, TimeUnit.SECONDS);
        assertTrue(v.account.heldBackMillis(System.nanoTime()) >= 100, "the wait counted as held back");
    }

    @Test
    void switchingTheGateOffLetsHeldLaunchesGo() throws Exception {
        gate = strict();
        Vgpu v = new Vgpu("capped", 1);
        TimedContext c = new TimedContext(device, 1_000_000);
        DeviceTrack t = gate.track(v, GPU, c);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> f = heldBack(v, t, c, stop, new AtomicInteger());
        gate.reconfigure(gate.settings().withMode(ComputeMode.OFF));
        stop.set(true);
        f.get(200, TimeUnit.MILLISECONDS);
        int before = c.eventsRecorded.get();
        for (int i = 0; i < 100; i++) launch(gate, t, c);
        assertEquals(before, c.eventsRecorded.get(), "off: nothing is measured");
        gate.reconfigure(gate.settings().withMode(ComputeMode.ELASTIC));
        launch(gate, t, c); // on again, from a free GPU
        assertTrue(c.eventsRecorded.get() > before);
    }
}
