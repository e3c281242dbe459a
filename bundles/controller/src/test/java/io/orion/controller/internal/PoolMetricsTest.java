package io.orion.controller.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.pool.VgpuUsage;
import com.codahale.metrics.Metric;
import io.orion.metrics.BucketHistogram;
import io.orion.metrics.OrionMetrics;
import io.orion.metrics.Samples;
import io.orion.policy.binpack.internal.BinpackPolicy;
import io.orion.policy.testkit.GpuModels;

import org.junit.jupiter.api.Test;

/** What the controller publishes per vGPU from the usage its servers report. */
class PoolMetricsTest {

    private record Sample(String family, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Samples sink = new Samples() {
        @Override public void gauge(String f, String h, Map<String, String> l, double v) { samples.add(new Sample(f, l, v)); }
        @Override public void counter(String f, String h, Map<String, String> l, double v) { samples.add(new Sample(f, l, v)); }
    };
    private final OrionMetrics registry = new OrionMetrics() {
        @Override public void register(String name, String help, Metric metric) {}
        @Override public void remove(String name) {}
    };

    @Test
    void aVgpuWhoseGateIsOffHasNoShareSampleButKeepsItsOtherFigures() {
        ControllerPool pool = new ControllerPool(new ControllerPoolTest.FixedPlatform(new BinpackPolicy()), new MemoryStore(),
                ControllerPoolTest.config(30, 5, 3), new ControllerPoolTest.TestClock(), false);
        pool.registerNode("n1", "10.0.0.1", Map.of(), List.of(GpuModels.h200("GPU-1")));
        Allocation gated = granted(pool), ungated = granted(pool);
        String g = gated.vgpus().getFirst().id(), u = ungated.vgpus().getFirst().id();
        pool.heartbeat("n1", new NodeReport(List.of(), List.of(
                new VgpuUsage(g, "1@n1", 100, 7, 64, 42.5, 1500),
                new VgpuUsage(u, "2@n1", 200, 9, 128, -1, 0)), List.of(gated.id(), ungated.id())));

        new PoolMetrics(pool, registry).collect(sink);

        assertEquals(List.of(42.5), values("orion_vgpu_compute_share_percent", g));
        assertEquals(List.of(1.5), values("orion_vgpu_held_back_seconds_total", g));
        assertTrue(values("orion_vgpu_compute_share_percent", u).isEmpty(), "-1 (gate off) is not a share: " + samples);
        assertEquals(List.of(9.0), values("orion_vgpu_launches_total", u));
    }

    @Test
    void everyPlacementGrantedOrRefusedLandsInTheLatencyHistogram() {
        ControllerPool pool = new ControllerPool(new ControllerPoolTest.FixedPlatform(new BinpackPolicy()), new MemoryStore(),
                ControllerPoolTest.config(30, 5, 3), new ControllerPoolTest.TestClock(), false);
        pool.registerNode("n1", "10.0.0.1", Map.of(), List.of(GpuModels.h200("GPU-1")));
        granted(pool);
        granted(pool);
        pool.allocate(VgpuRequest.of(2, 1000, 10), "pid"); // two vGPUs, one GPU: refused
        pool.place(VgpuRequest.of(1, 1000, 10));

        Metric published = pool.counters().named().get("orion_placement_latency_seconds");
        BucketHistogram.Snapshot s = assertInstanceOf(BucketHistogram.class, published).snapshot();
        assertEquals(4, s.count());
        assertEquals(4, s.cumulative()[s.cumulative().length - 1]);
        assertTrue(s.sum() > 0 && s.sum() < 4, "four placements take well under a second each: " + s.sum());
        assertTrue(java.util.Arrays.stream(s.upperBounds()).anyMatch(b -> b == 0.005), "5 ms (the p99 target) is a bucket bound");
        assertEquals(4, pool.counters().placements.getCount());
        assertEquals(1, pool.counters().refusals.get(io.orion.api.pool.NoFitReason.NOT_ENOUGH_GPUS).getCount());
    }

    private static Allocation granted(ControllerPool pool) {
        return assertInstanceOf(AllocationResult.Granted.class, pool.allocate(VgpuRequest.of(1, 1000, 10), "pid")).allocation();
    }

    private List<Double> values(String family, String vgpu) {
        return samples.stream().filter(s -> s.family().equals(family) && vgpu.equals(s.labels().get("vgpu"))).map(Sample::value).toList();
    }
}
