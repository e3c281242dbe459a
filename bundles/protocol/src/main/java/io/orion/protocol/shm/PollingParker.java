package io.orion.protocol.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * The portable fallback where there is no futex: sleeps in short slices and looks at the word
 * again. A wake is a no-op: the sleeper notices the change within one slice.
 */
public final class PollingParker implements Parker {
    private static final long SLICE_NANOS = 50_000;

    @Override
    public void await(MemorySegment word, int expected, long timeoutNanos) {
        long end = System.nanoTime() + timeoutNanos;
        while ((int) ValueLayout.JAVA_INT.varHandle().getVolatile(word, 0L) == expected) {
            long left = end - System.nanoTime();
            if (left <= 0) return;
            LockSupport.parkNanos(Math.min(left, SLICE_NANOS));
        }
    }

    @Override
    public void wake(MemorySegment word) {}

    @Override
    public String name() { return "polling"; }
}
