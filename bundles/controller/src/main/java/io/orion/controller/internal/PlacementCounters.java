package io.orion.controller.internal;

import java.util.EnumMap;
import java.util.Map;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;

import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.Placement;
import io.orion.metrics.BucketHistogram;

/**
 * The controller's placement metrics: placements per second, their latency, refusals by reason,
 * vGPUs lost. Made here, published into the metrics registry by {@link PoolMetrics}.
 */
final class PlacementCounters {
    final Meter placements = new Meter();
    /**
     * Latency in seconds, as a Prometheus histogram: Prometheus computes any quantile over any
     * window from the buckets (histogram_quantile), and sums them across controllers. The bounds
     * run from tens of microseconds (a placement in a small pool) to a second (a stalled store);
     * 5 ms is one of them, so the p99 target can be read off a bucket exactly.
     */
    static final double[] LATENCY_BOUNDS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
    };
    final BucketHistogram latency = new BucketHistogram(LATENCY_BOUNDS);
    final Map<NoFitReason, Counter> refusals = new EnumMap<>(NoFitReason.class);
    final Counter lost = new Counter();

    PlacementCounters() {
        for (NoFitReason r : NoFitReason.values()) refusals.put(r, new Counter());
    }

    void placed(Placement p, long nanos) {
        placements.mark();
        latency.observeNanos(nanos);
        if (p instanceof Placement.NoFit n) refusals.get(n.reason()).inc();
    }

    /** An allocation: granted when {@code refusal} is null. */
    void allocated(Placement.NoFit refusal, long nanos) {
        placements.mark();
        latency.observeNanos(nanos);
        if (refusal != null) refusals.get(refusal.reason()).inc();
    }

    void lost(int vgpus) {
        lost.inc(vgpus);
    }

    /** Every metric with its Prometheus name. */
    Map<String, Metric> named() {
        Map<String, Metric> m = new java.util.LinkedHashMap<>();
        m.put("orion_placements", placements);
        m.put("orion_placement_latency_seconds", latency);
        refusals.forEach((r, c) -> m.put("orion_placement_refusals_total{reason=\"" + r.name().toLowerCase() + "\"}", c));
        m.put("orion_vgpus_lost_total", lost);
        return m;
    }
}
