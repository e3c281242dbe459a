package io.orion.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;

import io.orion.metrics.BucketHistogram;

import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.junit.jupiter.api.Test;

/** The output parses with a third-party Prometheus text parser, with the families, types, labels and values we wrote. */
class PrometheusTextTest {

    private static List<MetricFamily> parse(String text) {
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), walker).walk();
        return walker.getAllMetricFamilies();
    }

    private static MetricFamily family(List<MetricFamily> all, String name) {
        return all.stream().filter(f -> f.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name + " in " + all.stream().map(MetricFamily::getName).toList()));
    }

    @Test
    void registryMetricsAndCollectorsParse() {
        MetricsHub hub = new MetricsHub();
        Counter refusedRatio = new Counter();
        refusedRatio.inc(3);
        hub.register("orion_placement_refusals_total{reason=\"ratio_unavailable\"}", "Refused placements by reason", refusedRatio);
        hub.register("orion_placement_refusals_total{reason=\"pool_exhausted\"}", "Refused placements by reason", new Counter());
        Meter placements = new Meter();
        placements.mark(42);
        hub.register("orion_placements", "Placements asked for", placements);
        Timer latency = new Timer();
        for (int i = 1; i <= 100; i++) latency.update(i, TimeUnit.MILLISECONDS);
        hub.register("orion_placement_latency_seconds", "Placement latency", latency);
        hub.addCollector(s -> {
            s.gauge("orion_gpu_memory_allocated_mib", "Memory held by vGPUs", Map.of("node", "n1", "gpu", "GPU-1"), 8192);
            s.gauge("orion_gpu_memory_allocated_mib", "Memory held by vGPUs", Map.of("node", "n\"2", "gpu", "GPU-2"), 0.5);
        });

        String text = hub.scrape();
        List<MetricFamily> all = parse(text);

        MetricFamily refusals = family(all, "orion_placement_refusals_total");
        assertEquals("COUNTER", refusals.getType().name());
        Map<String, Double> byReason = new HashMap<>();
        refusals.getMetrics().forEach(m -> byReason.put(m.getLabels().get("reason"),
                ((org.hawkular.agent.prometheus.types.Counter) m).getValue()));
        assertEquals(Map.of("ratio_unavailable", 3.0, "pool_exhausted", 0.0), byReason);

        assertEquals(42.0, ((org.hawkular.agent.prometheus.types.Counter) family(all, "orion_placements_total").getMetrics().get(0)).getValue());

        MetricFamily lat = family(all, "orion_placement_latency_seconds");
        assertEquals("SUMMARY", lat.getType().name());
        var summary = (org.hawkular.agent.prometheus.types.Summary) lat.getMetrics().get(0);
        assertEquals(100, summary.getSampleCount());
        double median = summary.getQuantiles().stream().filter(q -> q.getQuantile() == 0.5).findFirst().orElseThrow().getValue();
        assertTrue(median > 0.045 && median < 0.055, "median in seconds: " + median);

        MetricFamily gpu = family(all, "orion_gpu_memory_allocated_mib");
        assertEquals("GAUGE", gpu.getType().name());
        List<String> nodes = new ArrayList<>();
        gpu.getMetrics().forEach(m -> nodes.add(m.getLabels().get("node")));
        assertTrue(nodes.contains("n\"2"), "escaped label value survives: " + nodes);
        assertTrue(text.contains("# HELP orion_gpu_memory_allocated_mib Memory held by vGPUs"), text);
    }

    @Test
    void bucketHistogramsAreCumulativePrometheusHistograms() {
        MetricsHub hub = new MetricsHub();
        BucketHistogram latency = new BucketHistogram(0.001, 0.005, 0.01);
        for (double v : new double[] {0.0005, 0.001, 0.002, 0.004, 0.009, 0.5}) latency.observe(v);
        hub.register("orion_placement_latency_seconds", "Placement latency", latency);
        BucketHistogram labelled = new BucketHistogram(0.00005, 1, 2);
        labelled.observe(1.5);
        hub.register("orion_x_seconds{node=\"n1\"}", "labelled", labelled);
        String text = hub.scrape();

        assertTrue(text.contains("# TYPE orion_placement_latency_seconds histogram"), text);
        assertTrue(text.contains("orion_placement_latency_seconds_bucket{le=\"0.001\"} 2\n"), "0.001 itself falls in le=0.001:\n" + text);
        assertTrue(text.contains("orion_placement_latency_seconds_bucket{le=\"+Inf\"} 6\n"), text);
        assertTrue(text.contains("orion_x_seconds_bucket{node=\"n1\",le=\"2\"} 1\n"), text);
        assertTrue(text.contains("orion_x_seconds_bucket{node=\"n1\",le=\"0.00005\"} 0\n"), "bounds in plain notation:\n" + text);

        var h = (org.hawkular.agent.prometheus.types.Histogram) family(parse(text), "orion_placement_latency_seconds").getMetrics().get(0);
        assertEquals("HISTOGRAM", family(parse(text), "orion_placement_latency_seconds").getType().name());
        assertEquals(6, h.getSampleCount());
        assertEquals(0.5165, h.getSampleSum(), 1e-9);
        List<Double> bounds = new ArrayList<>();
        List<Long> cumulative = new ArrayList<>();
        h.getBuckets().forEach(b -> {
            bounds.add(b.getUpperBound());
            cumulative.add(b.getCumulativeCount());
        });
        assertEquals(List.of(0.001, 0.005, 0.01, Double.POSITIVE_INFINITY), bounds);
        assertEquals(List.of(2L, 4L, 5L, 6L), cumulative);
        var other = (org.hawkular.agent.prometheus.types.Histogram) family(parse(text), "orion_x_seconds").getMetrics().get(0);
        assertEquals("n1", other.getLabels().get("node"));
        assertEquals(1, other.getSampleCount());
    }

    @Test
    void bucketBoundsMustBeFiniteAndAscending() {
        IllegalArgumentException down = assertThrows(IllegalArgumentException.class, () -> new BucketHistogram(0.1, 0.05));
        assertTrue(down.getMessage().contains("0.05 follows 0.1"), down.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class, () -> new BucketHistogram(1, Double.POSITIVE_INFINITY));
        assertTrue(inf.getMessage().contains("Infinity is not finite"), inf.getMessage());
        assertThrows(IllegalArgumentException.class, BucketHistogram::new);
        BucketHistogram h = new BucketHistogram(1);
        h.observeNanos(2_500_000_000L);
        assertEquals(2.5, h.snapshot().sum(), 1e-12);
        assertEquals(0, h.snapshot().cumulative()[0]);
        assertEquals(1, h.snapshot().count());
    }

    @Test
    void badNamesAndTypeClashesAreRefused() {
        PrometheusText t = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> t.gauge("orion-gpu", "", Map.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> t.gauge("orion_x", "", Map.of("bad-label", "v"), 1));
        t.gauge("orion_y", "", Map.of(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.counter("orion_y", "", Map.of(), 1));
        assertTrue(e.getMessage().contains("orion_y"));
    }

    @Test
    void aFailingCollectorDoesNotSpoilTheScrape() {
        MetricsHub hub = new MetricsHub();
        hub.addCollector(s -> { throw new IllegalStateException("broken"); });
        hub.addCollector(s -> s.gauge("orion_ok", "fine", Map.of(), 1));
        assertTrue(hub.scrape().contains("orion_ok 1"));
    }
}
