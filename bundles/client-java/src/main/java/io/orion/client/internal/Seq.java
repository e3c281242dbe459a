package io.orion.client.internal;

/** Sequence numbers are u32 and wrap: compared as serial numbers, skipping 0. */
final class Seq {
    private Seq() {}

    static long next(long seq) {
        long n = (seq + 1) & 0xffff_ffffL;
        return n == 0 ? 1 : n;
    }

    /** {@code a} comes after {@code b}. */
    static boolean after(long a, long b) {
        return (int) (a - b) > 0;
    }

    static boolean notAfter(long a, long b) {
        return !after(a, b);
    }
}
