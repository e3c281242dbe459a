package io.orion.portal.internal;

/**
 * A bounded ring of samples: a time (epoch milliseconds, never decreasing) and a fixed number of
 * float values each. Primitive columns rather than one object per sample, because a pool of
 * thousands of GPUs keeps minutes of samples for every one of them; the arrays grow as samples
 * come and stop growing at the capacity, after which the oldest sample is overwritten.
 * Thread-safe: the sampler adds while HTTP requests read.
 */
final class SampleRing {

    /** Samples read out, oldest first: {@code times[i]} goes with {@code values[c][i]} for each column c. */
    record Columns(long[] times, float[][] values) {
        int size() { return times.length; }
    }

    private final int capacity;
    private long[] times;
    private final float[][] values;
    /** Index of the oldest sample; meaningful while {@link #size} > 0. */
    private int head;
    private int size;

    SampleRing(int capacity, int columns) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        if (columns < 1) throw new IllegalArgumentException("columns must be >= 1, was " + columns);
        this.capacity = capacity;
        int initial = Math.min(capacity, 16);
        this.times = new long[initial];
        this.values = new float[columns][initial];
    }

    int capacity() { return capacity; }

    synchronized int size() { return size; }

    /** Time of the newest sample; {@link Long#MIN_VALUE} when there is none. */
    synchronized long newest() {
        return size == 0 ? Long.MIN_VALUE : times[(head + size - 1) % times.length];
    }

    /**
     * Adds a sample. A time older than the newest sample is refused (a clock step back on the
     * server would otherwise fold the graph onto itself); the same time replaces nothing and is
     * refused too, so a report is never counted twice.
     *
     * @return whether the sample was taken
     */
    synchronized boolean add(long time, float... row) {
        if (row.length != values.length)
            throw new IllegalArgumentException("a sample has " + values.length + " values, got " + row.length);
        if (size > 0 && time <= newest()) return false;
        if (size == times.length && times.length < capacity) grow();
        int slot;
        if (size < times.length) {
            slot = (head + size) % times.length;
            size++;
        } else { // full at capacity: overwrite the oldest
            slot = head;
            head = (head + 1) % times.length;
        }
        times[slot] = time;
        for (int c = 0; c < values.length; c++) values[c][slot] = row[c];
        return true;
    }

    /** Samples with {@code time > after} and {@code time >= notBefore}, oldest first. */
    synchronized Columns read(long after, long notBefore) {
        long from = Math.max(after == Long.MAX_VALUE ? after : after + 1, notBefore);
        int skip = 0;
        while (skip < size && times[(head + skip) % times.length] < from) skip++;
        int n = size - skip;
        long[] t = new long[n];
        float[][] v = new float[values.length][n];
        for (int i = 0; i < n; i++) {
            int slot = (head + skip + i) % times.length;
            t[i] = times[slot];
            for (int c = 0; c < values.length; c++) v[c][i] = values[c][slot];
        }
        return new Columns(t, v);
    }

    /** Unrolls the ring into arrays twice as large (at most the capacity), oldest first. */
    private void grow() {
        int length = (int) Math.min(capacity, times.length * 2L);
        times = unroll(times, length);
        for (int c = 0; c < values.length; c++) values[c] = unroll(values[c], length);
        head = 0;
    }

    private long[] unroll(long[] a, int length) {
        long[] out = new long[length];
        int tail = a.length - head;
        System.arraycopy(a, head, out, 0, tail);
        System.arraycopy(a, 0, out, tail, head);
        return out;
    }

    private float[] unroll(float[] a, int length) {
        float[] out = new float[length];
        int tail = a.length - head;
        System.arraycopy(a, head, out, 0, tail);
        System.arraycopy(a, 0, out, tail, head);
        return out;
    }
}
