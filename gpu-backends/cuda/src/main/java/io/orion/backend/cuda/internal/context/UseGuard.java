package io.orion.backend.cuda.internal.context;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import io.orion.api.backend.GpuException;

/**
 * Counts the calls in flight on a context so that closing it waits for them instead of destroying
 * the CUDA context under a running driver call. Two atomic operations per call, no lock: cheaper
 * than a read-write lock on the launch path, and not tied to the entering thread.
 */
final class UseGuard {
    private static final long CLOSED = 1L << 62;

    private final AtomicLong state = new AtomicLong();
    private final Supplier<GpuException> closedError;

    UseGuard(Supplier<GpuException> closedError) {
        this.closedError = closedError;
    }

    /** Registers a call; throws the closed error once {@link #close} has begun. */
    void enter() {
        if ((state.incrementAndGet() & CLOSED) != 0) {
            state.decrementAndGet();
            throw closedError.get();
        }
    }

    void exit() {
        state.decrementAndGet();
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Refuses new calls and waits until those in flight have returned.
     *
     * @param onSlowWait told the number still in flight every few seconds while waiting
     * @return false when the guard was closed already
     */
    boolean close(LongConsumer onSlowWait) {
        long v;
        do {
            v = state.get();
            if ((v & CLOSED) != 0) return false;
        } while (!state.compareAndSet(v, v | CLOSED));
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long inFlight;
        while ((inFlight = state.get() & ~CLOSED) != 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            if (System.nanoTime() - nextReport > 0) {
                onSlowWait.accept(inFlight);
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
        }
        return true;
    }
}
