package io.orion.metrics;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Where a collector writes its samples. Family names follow Prometheus rules ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}). */
@ProviderType
public interface Samples {

    /** A value that goes up and down. */
    void gauge(String family, String help, Map<String, String> labels, double value);

    /** A value that only goes up; the family name should end in {@code _total}. */
    void counter(String family, String help, Map<String, String> labels, double value);
}
