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
