package io.orion.client.bench;

import java.util.Arrays;

/** Summary of timed samples, in microseconds. */
record Stats(double p50, double p99, double mean, int n) {
    static Stats of(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double sum = 0;
        for (long v : s) sum += v;
        return new Stats(s[s.length / 2] / 1e3, s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e3,
                sum / s.length / 1e3, s.length);
    }
}
