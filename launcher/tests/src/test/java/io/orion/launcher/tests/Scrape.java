package io.orion.launcher.tests;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;

/** A /metrics answer as a Prometheus scraper reads it (hawkular's text parser), with look-ups for assertions. */
final class Scrape {

    final String text;
    final List<MetricFamily> families;

    private Scrape(String text, List<MetricFamily> families) {
        this.text = text;
        this.families = families;
    }

    static Scrape parse(String text) {
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), walker).walk();
        return new Scrape(text, walker.getAllMetricFamilies());
    }

    boolean has(String name) {
        return families.stream().anyMatch(f -> f.getName().equals(name));
    }

    MetricFamily family(String name, String type) {
        MetricFamily f = families.stream().filter(x -> x.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + name + " in the scrape:\n" + text));
        if (!f.getType().name().equals(type)) throw new AssertionError(name + " is a " + f.getType() + ", documented as " + type);
        return f;
    }

    /** The one sample of the family whose labels include {@code labels}. */
    Metric sample(String name, String type, Map<String, String> labels) {
        List<Metric> found = family(name, type).getMetrics().stream()
                .filter(m -> m.getLabels().entrySet().containsAll(labels.entrySet())).toList();
        if (found.size() != 1) throw new AssertionError(found.size() + " samples of " + name + " with " + labels + " in:\n" + text);
        return found.get(0);
    }

    double gauge(String name, Map<String, String> labels) {
        return ((Gauge) sample(name, "GAUGE", labels)).getValue();
    }

    double counter(String name, Map<String, String> labels) {
        return ((Counter) sample(name, "COUNTER", labels)).getValue();
    }

    Histogram histogram(String name) {
        return (Histogram) sample(name, "HISTOGRAM", Map.of());
    }
}
