package io.orion.server.internal.gate;

/**
 * Where the gate reads the time: {@link System#nanoTime()} in the server; in tests a hand-driven
 * clock, or one that follows the device's work (the host backend's test clock).
 */
@FunctionalInterface
public interface NanoClock {
    long nanos();

    /**
     * How long the gate's thread may sleep, in real nanoseconds, while it waits for {@code clockNanos}
     * of this clock to pass. The same for the system clock; a clock that can run ahead of real time
     * answers less, so that the gate looks again before a slice has long overrun.
     */
    default long sleepNanos(long clockNanos) {
        return clockNanos;
    }

    static NanoClock system() {
        return System::nanoTime;
    }
}
