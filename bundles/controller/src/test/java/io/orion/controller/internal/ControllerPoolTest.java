package io.orion.controller.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.orion.api.backend.GpuBackend;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Placement;
import io.orion.api.pool.Slot;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.transport.Transport;
import io.orion.policy.binpack.internal.BinpackPolicy;
import io.orion.policy.testkit.GpuModels;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControllerPoolTest {

    /** A platform whose policy the test sets; the real core is tested in its own module. */
    static final class FixedPlatform implements Platform {
        volatile SchedulingPolicy policy;

        FixedPlatform(SchedulingPolicy policy) { this.policy = policy; }

        @Override public String role() { return "controller"; }
        @Override public List<PluginInfo> plugins(PluginKind kind) { return List.of(); }
        @Override public Optional<SchedulingPolicy> activePolicy() { return Optional.ofNullable(policy); }
        @Override public void selectPolicy(String name) { throw new IllegalArgumentException(name); }
        @Override public Optional<GpuBackend> activeBackend() { return Optional.empty(); }
        @Override public List<Transport> activeTransports() { return List.of(); }
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.parse("2026-11-28T12:00:00Z");
        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public java.time.Instant instant() { return now; }
        void advance(int seconds) { now = now.plusSeconds(seconds); }
    }

    static ControllerConfig config(int leaseSeconds, int heartbeatSeconds, int missed) {
        return new ControllerConfig() {
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return ControllerConfig.class; }
            @Override public int leaseSeconds() { return leaseSeconds; }
            @Override public int heartbeatSeconds() { return heartbeatSeconds; }
            @Override public int missedHeartbeats() { return missed; }
            @Override public String store_target() { return "(orion.store=memory)"; }
            @Override public int eventHistory() { return 100; }
        };
    }

    private FixedPlatform platform;
    private ControllerPool pool;
    private final TestClock clock = new TestClock();
    private final MemoryStore store = new MemoryStore();

    @BeforeEach
    void setUp() {
        platform = new FixedPlatform(new BinpackPolicy());
        pool = new ControllerPool(platform, store, config(30, 5, 3), clock, false);
        pool.registerNode("n1", "10.0.0.1", Map.of("tcp", "tcp://n1:9960"),
                List.of(GpuModels.h200("GPU-1"), GpuModels.h200("GPU-2")));
        pool.registerNode("n2", "10.0.0.2", Map.of("tcp", "tcp://n2:9960"), List.of(GpuModels.t4("GPU-3")));
    }

    private static GpuView gpu(ControllerPool p, String uuid) {
        return p.snapshot().gpus().filter(g -> g.uuid().equals(uuid)).findFirst().orElseThrow();
    }

    @Test
    void allocateChargesAndReleaseGivesBack() {
        AllocationResult r = pool.allocate(VgpuRequest.of(2, 10_000, 30).withGroup("pod-1"), "pid 42");
        var a = assertInstanceOf(AllocationResult.Granted.class, r).allocation();
        assertEquals(2, a.vgpus().size());
        assertEquals(List.of(0, 1), a.vgpus().stream().map(Vgpu::index).toList());
        assertTrue(a.vgpus().stream().allMatch(v -> v.node().equals("n1") && v.groupId().equals("pod-1")));
        assertEquals(10_000, gpu(pool, "GPU-1").usedMemoryMiB());
        assertEquals(30, gpu(pool, "GPU-2").usedRatio());
        assertEquals(2, pool.vgpus().size());
        long version = pool.snapshot().version();

        assertTrue(pool.release(a.id()));
        assertFalse(pool.release(a.id()), "a second release finds nothing");
        assertEquals(0, gpu(pool, "GPU-1").usedMemoryMiB());
        assertTrue(pool.snapshot().version() > version);
    }

    @Test
    void refusalsSayWhy() {
        var refused = assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 500_000, 10), "x"));
        assertEquals(NoFitReason.MEMORY_LARGER_THAN_ANY_GPU, refused.noFit().reason());
        platform.policy = null;
        var none = assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 10, 10), "x"));
        assertTrue(none.noFit().message().contains("no scheduling policy"), none.noFit().message());
    }

    @Test
    void aPolicyThatBreaksTheRulesIsNeverApplied() {
        platform.policy = new SchedulingPolicy() {
            @Override public String name() { return "broken"; }
            @Override public Placement place(VgpuRequest request, io.orion.api.pool.PoolView p) {
                return Placement.placed(List.of(new Slot("n2", "GPU-3"))); // a T4 cannot take 100 GiB
            }
        };
        var refused = assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 100_000, 10), "x"));
        assertTrue(refused.noFit().message().contains("invalid placement"), refused.noFit().message());
        assertEquals(0, gpu(pool, "GPU-3").usedMemoryMiB());
        platform.policy = new SchedulingPolicy() {
            @Override public String name() { return "throws"; }
            @Override public Placement place(VgpuRequest request, io.orion.api.pool.PoolView p) { throw new IllegalStateException("bug"); }
        };
        assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 10, 10), "x"));
    }

    @Test
    void resizeChecksTheGpuAndChangesNothingOnRefusal() {
        var a = ((AllocationResult.Granted) pool.allocate(VgpuRequest.of(1, 10_000, 30).onNode("n2"), "x")).allocation();
        Vgpu v = a.vgpus().get(0);
        Vgpu bigger = pool.resize(v.id(), 12_000, 60);
        assertEquals(12_000, bigger.memoryMiB());
        assertEquals(12_000, gpu(pool, "GPU-3").usedMemoryMiB());
        assertEquals(60, gpu(pool, "GPU-3").usedRatio());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.resize(v.id(), 20_000, 60));
        assertTrue(e.getMessage().contains("memoryMiB 20000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pool.resize(v.id(), 1000, 101));
        assertTrue(e.getMessage().contains("ratio"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.resize("vgpu-nope", 1, 1));
        assertEquals(12_000, gpu(pool, "GPU-3").usedMemoryMiB());
        assertEquals(12_000, pool.allocation(a.id()).orElseThrow().vgpus().get(0).memoryMiB());
    }

    @Test
    void removingANodeReleasesItsVgpusAndDrainingStopsNewOnes() {
        pool.allocate(VgpuRequest.of(1, 1000, 10).onNode("n2"), "x");
        pool.removeNode("n2");
        assertEquals(0, pool.vgpus().size());
        assertTrue(pool.snapshot().node("n2").isEmpty());

        pool.setDraining("n1", true);
        assertEquals(NodeState.DRAINING, pool.snapshot().node("n1").orElseThrow().state());
        assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 10, 10), "x"));
        pool.setDraining("n1", false);
        assertInstanceOf(AllocationResult.Granted.class, pool.allocate(VgpuRequest.of(1, 10, 10), "x"));
    }

    @Test
    void reRegisteringKeepsUsageAndAGpuBelongsToOneNode() {
        pool.allocate(VgpuRequest.of(1, 5000, 10).onNode("n1"), "x");
        pool.registerNode("n1", "10.0.0.9", Map.of(), List.of(GpuModels.h200("GPU-1"), GpuModels.h200("GPU-2")));
        assertEquals(5000, pool.snapshot().gpus().filter(g -> g.node().equals("n1")).mapToLong(GpuView::usedMemoryMiB).sum());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.registerNode("n9", "", Map.of(), List.of(GpuModels.t4("GPU-3"))));
        assertTrue(e.getMessage().contains("GPU-3") && e.getMessage().contains("n2"), e.getMessage());
    }

    @Test
    void concurrentAllocationsNeverOvercommit() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<AllocationResult>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) fs.add(threads.submit(() -> pool.allocate(VgpuRequest.of(1, 1000, 5), "t")));
            long granted = 0;
            for (Future<AllocationResult> f : fs) if (f.get() instanceof AllocationResult.Granted) granted++;
            // ratio bounds it: 3 GPUs x 100 % / 5 % = 60; slots: 16 + 16 + 8 = 40
            assertEquals(40, granted);
            pool.snapshot().gpus().forEach(g -> assertTrue(g.vgpuCount() <= g.spec().vgpuSlots() && g.usedRatio() <= 100));
        } finally {
            threads.shutdownNow();
        }
    }
}
