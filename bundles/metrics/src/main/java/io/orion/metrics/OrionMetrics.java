package io.orion.metrics;

import com.codahale.metrics.Metric;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The registry everyone publishes fixed metrics into. Names are Prometheus names, optionally
 * with labels: {@code orion_placement_refusals_total{reason="ratio_unavailable"}}.
 */
@ProviderType
public interface OrionMetrics {

    /** Publishes a metric under a name, with its help text; replaces one of the same name. */
    void register(String name, String help, Metric metric);

    /** Removes a metric. */
    void remove(String name);
}
