package io.orion.protocol.shm;

/**
 * How a ring side waits: spin for {@code spinNanos}, then park in slices of {@code parkNanos},
 * checking the peer's liveness after each slice.
 *
 * @param spinNanos  how long to spin before parking; negative spins forever (busy poll: lowest
 *                   latency, one core per waiting thread)
 * @param parkNanos  longest single park; bounds how late a dead peer is noticed
 */
public record WaitPolicy(long spinNanos, long parkNanos) {
    public WaitPolicy {
        if (parkNanos <= 0) throw new IllegalArgumentException("parkNanos must be > 0, was " + parkNanos);
    }

    /** Spin 50 µs, then park in 100 ms slices. */
    public static final WaitPolicy DEFAULT = new WaitPolicy(50_000, 100_000_000);

    public boolean busyPoll() { return spinNanos < 0; }
}
