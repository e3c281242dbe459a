package io.orion.server.internal.gate;

/** Where the gate reads the time: {@link System#nanoTime()} in the server, a hand-driven clock in tests. */
@FunctionalInterface
public interface NanoClock {
    long nanos();

    static NanoClock system() {
        return System::nanoTime;
    }
}
