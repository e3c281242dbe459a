package io.orion.server.internal.gate;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A vGPU's compute usage as the gate measured it: GPU time consumed (total, and per bucket over a
 * recent window, for the share "over the last seconds") and time its launches were held back.
 * Kept by the vGPU's grant, so it outlives the sessions that come and go.
 */
public final class ShareAccount {
    private static final int BUCKETS = 10;

    private final AtomicLong gpuNanos = new AtomicLong();
    private final long[] bucket = new long[BUCKETS];
    private final long[] bucketIndex = new long[BUCKETS];
    private long width;
    private long firstNanos = Long.MIN_VALUE;

    private int holding;
    private long holdingSince;
    private long heldBackNanos;

    /** Adds measured GPU time. */
    public synchronized void consumed(long now, long nanos, long windowNanos) {
        if (nanos <= 0) return;
        gpuNanos.addAndGet(nanos);
        roll(now, windowNanos);
        int i = (int) Math.floorMod(now / width, BUCKETS);
        bucket[i] += nanos;
    }

    /** Marks that the time from now on counts as held back (nested: several processes of one group). */
    public synchronized void holdStarted(long now) {
        if (holding++ == 0) holdingSince = now;
    }

    public synchronized void holdEnded(long now) {
        if (holding == 0) return;
        if (--holding == 0) heldBackNanos += Math.max(0, now - holdingSince);
    }

    /** GPU time consumed since the vGPU was granted, in milliseconds. */
    public long gpuMillis() {
        return gpuNanos.get() / 1_000_000;
    }

    /** Time its launches were held back since it was granted, a wait in progress included, in milliseconds. */
    public synchronized long heldBackMillis(long now) {
        long n = heldBackNanos + (holding > 0 ? Math.max(0, now - holdingSince) : 0);
        return n / 1_000_000;
    }

    /**
     * The share of the GPU's time it consumed over the last {@code windowNanos} (0–100), or over
     * the time since its first measurement when that is shorter; 0 before anything was measured.
     */
    public synchronized double sharePercent(long now, long windowNanos) {
        if (firstNanos == Long.MIN_VALUE) return 0;
        roll(now, windowNanos);
        long cur = now / width;
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) if (bucketIndex[i] > cur - BUCKETS && bucketIndex[i] <= cur) sum += bucket[i];
        long span = now - Math.max((cur - BUCKETS + 1) * width, firstNanos);
        if (span <= 0) return 0;
        return Math.min(100.0, 100.0 * sum / span);
    }

    /** Moves the buckets up to now, dropping the ones that left the window; a new window width starts afresh. */
    private void roll(long now, long windowNanos) {
        long w = Math.max(1, windowNanos / BUCKETS);
        if (w != width) {
            width = w;
            java.util.Arrays.fill(bucket, 0);
            java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
            firstNanos = now;
        }
        long cur = now / width;
        int i = (int) Math.floorMod(cur, BUCKETS);
        if (bucketIndex[i] != cur) {
            bucketIndex[i] = cur;
            bucket[i] = 0;
        }
    }
}
