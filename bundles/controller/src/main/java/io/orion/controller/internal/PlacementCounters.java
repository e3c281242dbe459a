package io.orion.controller.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;

import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.Placement;

/**
 * The controller's placement metrics: placements per second, their latency, refusals by reason,
 * vGPUs lost. Made here, published into the metrics registry by {@link PoolMetrics}.
 */
final class PlacementCounters {
    final Meter placements = new Meter();
    /** Latency over the last minute, so the percentiles describe now, not the day. */
    final Timer latency = new Timer(new SlidingTimeWindowArrayReservoir(60, TimeUnit.SECONDS));
    final Map<NoFitReason, Counter> refusals = new EnumMap<>(NoFitReason.class);
    final Counter lost = new Counter();

    PlacementCounters() {
        for (NoFitReason r : NoFitReason.values()) refusals.put(r, new Counter());
    }

    void placed(Placement p, long nanos) {
        placements.mark();
        latency.update(nanos, TimeUnit.NANOSECONDS);
        if (p instanceof Placement.NoFit n) refusals.get(n.reason()).inc();
    }

    /** An allocation: granted when {@code refusal} is null. */
    void allocated(Placement.NoFit refusal, long nanos) {
        placements.mark();
        latency.update(nanos, TimeUnit.NANOSECONDS);
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
