package io.orion.metrics.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;

import io.orion.metrics.MetricsCollector;
import io.orion.metrics.OrionMetrics;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's one metric registry (also offered as a {@link MetricRegistry} service for
 * reporters) and the collectors, rendered together for a scrape.
 */
@Component(immediate = true, service = {OrionMetrics.class, MetricsHub.class})
public final class MetricsHub implements OrionMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHub.class);

    private final MetricRegistry registry = new MetricRegistry();
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final List<MetricsCollector> collectors = new CopyOnWriteArrayList<>();

    @Override
    public void register(String name, String helpText, Metric metric) {
        registry.remove(name);
        registry.register(name, metric);
        int brace = name.indexOf('{');
        help.put(brace < 0 ? name : name.substring(0, brace), helpText);
    }

    @Override
    public void remove(String name) {
        registry.remove(name);
    }

    MetricRegistry registry() { return registry; }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addCollector(MetricsCollector c) { collectors.add(c); }

    void removeCollector(MetricsCollector c) { collectors.remove(c); }

    /** Everything, in Prometheus text format. A collector that fails is logged and skipped. */
    String scrape() {
        PrometheusText out = new PrometheusText();
        registry.getMetrics().forEach((name, metric) -> {
            int brace = name.indexOf('{');
            out.add(name, help.getOrDefault(brace < 0 ? name : name.substring(0, brace), ""), metric);
        });
        for (MetricsCollector c : collectors) {
            try {
                c.collect(out);
            } catch (RuntimeException e) {
                LOG.error("metrics collector {} failed; its samples are missing from this scrape", c.getClass().getName(), e);
            }
        }
        return out.render();
    }
}
