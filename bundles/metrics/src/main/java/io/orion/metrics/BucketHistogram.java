package io.orion.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import com.codahale.metrics.Metric;

/**
 * A Prometheus histogram: observations counted into fixed buckets by upper bound, exported as
 * cumulative {@code _bucket{le="…"}} samples (the last one {@code le="+Inf"}), {@code _sum} and
 * {@code _count}. Unlike a Dropwizard timer's quantiles, buckets add up across servers and time,
 * so Prometheus can compute any quantile over any window ({@code histogram_quantile}).
 *
 * <p>Recording is lock-free (one adder per bucket), so it may sit on a hot path. Register it with
 * {@link OrionMetrics#register}; values are in the unit the family's name says (seconds for
 * {@code _seconds}).
 */
public final class BucketHistogram implements Metric {

    /** What a scrape reads: {@code cumulative[i]} observations were ≤ {@code upperBounds[i]}; the last counts all. */
    public record Snapshot(double[] upperBounds, long[] cumulative, double sum, long count) {}

    private final double[] bounds;
    /** Per bucket (not cumulative); one more than bounds: the +Inf bucket. */
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    /**
     * @param upperBounds finite bucket bounds, strictly ascending; {@code +Inf} is added
     * @throws IllegalArgumentException naming the bound that is not finite or not ascending
     */
    public BucketHistogram(double... upperBounds) {
        if (upperBounds.length == 0) throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        for (int i = 0; i < upperBounds.length; i++) {
            if (!Double.isFinite(upperBounds[i]))
                throw new IllegalArgumentException("bucket bound " + upperBounds[i] + " is not finite (+Inf is always added)");
            if (i > 0 && upperBounds[i] <= upperBounds[i - 1])
                throw new IllegalArgumentException("bucket bounds must ascend: " + upperBounds[i] + " follows " + upperBounds[i - 1]);
        }
        bounds = upperBounds.clone();
        counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    /** Counts one observation into the first bucket whose bound is ≥ it. */
    public void observe(double value) {
        int i = Arrays.binarySearch(bounds, value);
        counts[i >= 0 ? i : -i - 1].increment();
        sum.add(value);
    }

    /** One observation of a duration, in seconds. */
    public void observeNanos(long nanos) {
        observe(nanos / 1e9);
    }

    /** The bounds and cumulative counts now; the count is the +Inf bucket's, so the two always agree. */
    public Snapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) cumulative[i] = running += counts[i].sum();
        double[] withInf = Arrays.copyOf(bounds, bounds.length + 1);
        withInf[bounds.length] = Double.POSITIVE_INFINITY;
        return new Snapshot(withInf, cumulative, sum.sum(), running);
    }
}
