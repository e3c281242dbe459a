package io.orion.metrics.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;

import io.orion.metrics.BucketHistogram;
import io.orion.metrics.Samples;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} per family, then its samples. Counters and meters are counters, gauges gauges,
 * timers summaries in seconds (quantiles 0.5, 0.9, 0.99 over the reservoir, {@code _count}, and a
 * {@code _sum} estimated as mean × count), Dropwizard histograms summaries, and
 * {@link BucketHistogram}s histograms (cumulative {@code _bucket{le="…"}}, {@code _sum}, {@code _count}).
 */
final class PrometheusText implements Samples {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private record Family(String type, String help, List<String> lines) {}

    private final SortedMap<String, Family> families = new TreeMap<>();

    /** Adds a registry metric whose name may carry labels: {@code base{k="v"}}. */
    void add(String name, String help, Metric metric) {
        int brace = name.indexOf('{');
        String base = brace < 0 ? name : name.substring(0, brace);
        String labels = brace < 0 ? "" : name.substring(brace);
        switch (metric) {
            case Counter c -> line(base, "counter", help, "", labels, c.getCount());
            case Meter m -> line(base.endsWith("_total") ? base : base + "_total", "counter", help, "", labels, m.getCount());
            case Timer t -> summary(base, help, labels, t.getSnapshot(), t.getCount(), 1.0 / TimeUnit.SECONDS.toNanos(1));
            case Histogram h -> summary(base, help, labels, h.getSnapshot(), h.getCount(), 1.0);
            case BucketHistogram b -> histogram(base, help, labels, b.snapshot());
            case Gauge<?> g -> {
                if (g.getValue() instanceof Number n) line(base, "gauge", help, "", labels, n.doubleValue());
            }
            default -> { } // other metric types have no Prometheus form; they are not exported
        }
    }

    private void summary(String base, String help, String labels, Snapshot s, long count, double scale) {
        for (double q : QUANTILES)
            line(base, "summary", help, "", merge(labels, "quantile=\"" + q + "\""), s.getValue(q) * scale);
        line(base, "summary", help, "_count", labels, count);
        line(base, "summary", help, "_sum", labels, s.getMean() * scale * count);
    }

    private void histogram(String base, String help, String labels, BucketHistogram.Snapshot s) {
        for (int i = 0; i < s.upperBounds().length; i++)
            line(base, "histogram", help, "_bucket", merge(labels, "le=\"" + bound(s.upperBounds()[i]) + "\""), s.cumulative()[i]);
        line(base, "histogram", help, "_sum", labels, s.sum());
        line(base, "histogram", help, "_count", labels, s.count());
    }

    @Override
    public void gauge(String family, String help, Map<String, String> labels, double value) {
        line(family, "gauge", help, "", format(labels), value);
    }

    @Override
    public void counter(String family, String help, Map<String, String> labels, double value) {
        line(family, "counter", help, "", format(labels), value);
    }

    private void line(String family, String type, String help, String suffix, String labels, double value) {
        if (!NAME.matcher(family).matches()) throw new IllegalArgumentException("'" + family + "' is not a Prometheus metric name");
        Family f = families.computeIfAbsent(family, k -> new Family(type, help == null ? "" : help, new ArrayList<>()));
        if (!f.type().equals(type))
            throw new IllegalArgumentException("metric family " + family + " is a " + f.type() + ", not a " + type);
        f.lines().add(family + suffix + labels + " " + number(value));
    }

    static String format(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) return "";
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : new LinkedHashMap<>(labels).entrySet()) {
            if (!LABEL.matcher(e.getKey()).matches()) throw new IllegalArgumentException("'" + e.getKey() + "' is not a label name");
            if (b.length() > 1) b.append(',');
            b.append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
        }
        return b.append('}').toString();
    }

    private static String merge(String labels, String extra) {
        return labels.isEmpty() ? "{" + extra + "}" : labels.substring(0, labels.length() - 1) + "," + extra + "}";
    }

    static String escape(String v) {
        return (v == null ? "" : v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A bucket bound as people write it: 0.00005, not 5.0E-5 (both parse; only one reads). */
    private static String bound(double v) {
        return Double.isInfinite(v) ? "+Inf" : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    String render() {
        StringBuilder b = new StringBuilder();
        families.forEach((name, f) -> {
            b.append("# HELP ").append(name).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            b.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            f.lines().forEach(l -> b.append(l).append('\n'));
        });
        return b.toString();
    }
}
