/**
 * The platform's metrics: one Dropwizard {@code MetricRegistry} for counters, meters and timers,
 * plus {@link io.orion.metrics.MetricsCollector}s for labelled values read at scrape time (per GPU,
 * per vGPU). Everything is served in Prometheus text format at {@code /metrics}; names and labels
 * are documented in {@code docs/metrics.md}.
 */
@Export
@Version("1.1.0")
package io.orion.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
