package io.orion.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Gives labelled samples at scrape time (one per GPU, per vGPU…), where a fixed set of registry
 * metrics does not fit. Register as a service; every scrape calls every collector.
 */
@ConsumerType
@FunctionalInterface
public interface MetricsCollector {
    void collect(Samples samples);
}
