package io.orion.client.e2e;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.orion.backend.host.internal.HostClock;
import io.orion.server.internal.gate.NanoClock;

/**
 * Device time, shared by the host backend (its events) and the compute gate (its slices, budgets
 * and shares), so that the gate can be tested exactly on a machine whose load changes every kernel's
 * real duration:
 * <ul>
 *   <li>a kernel takes exactly its cost: {@link #nanosPerInstruction} × the thread-instructions it
 *       executed (the same for the same kernel and arguments). Nothing else moves the clock while
 *       work is queued, so an event pair around a stream's back-to-back kernels measures their cost
 *       to the nanosecond;</li>
 *   <li>while no work at all is queued (a strict vGPU waiting for its budget, a holder gone quiet, a
 *       hand-over), time passes in ticks of {@link #TICK} once the device has been idle for
 *       {@link #IDLE_AFTER} of real time, so a hand-over that takes the machine less than that
 *       costs no device time;</li>
 *   <li>unless idle time is switched off ({@link #idleTime}): then only kernels move the clock, and
 *       a client thread that the machine does not run for a while (a loaded build machine does that
 *       for many milliseconds) costs its vGPU nothing, not a slice given away as if it had gone
 *       quiet. For tenants that all keep the GPU busy; a strict cap, or a holder that stops, needs
 *       idle time to pass.</li>
 * </ul>
 * It runs ahead of real time while kernels run (the interpreter is faster than their cost), so the
 * gate's thread is told to look again every {@link #MAX_SLEEP} of real time.
 */
public final class DeviceTimeClock implements HostClock, NanoClock, AutoCloseable {
    /** Device time a tick of idleness adds; also how often the ticker looks (real time). */
    static final long TICK = 100_000;
    /**
     * Real time without queued work before idle time starts to pass: longer than the machine takes
     * for a hand-over (a gate decision and a thread's wake-up, under the load of a shared build
     * machine), shorter than a gap that is meant (a strict vGPU's wait, a holder gone quiet).
     */
    static final long IDLE_AFTER = 3_000_000;
    static final long MAX_SLEEP = 200_000;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong kernels = new AtomicLong();
    private final AtomicLong instructions = new AtomicLong();
    private volatile long idleSinceReal = System.nanoTime();
    private volatile double nanosPerInstruction;
    private volatile boolean closed;
    private volatile boolean idleTime = true;
    private final Thread ticker;

    public DeviceTimeClock(double nanosPerInstruction) {
        this.nanosPerInstruction = nanosPerInstruction;
        this.ticker = Thread.ofPlatform().daemon().name("device-time-ticker").start(this::tick);
    }

    /** Whether idle time passes (from now on): on by default. */
    public void idleTime(boolean on) {
        idleTime = on;
    }

    /** A new cost per thread-instruction, for kernels that run from now on. */
    public void nanosPerInstruction(double n) {
        nanosPerInstruction = n;
    }

    @Override
    public long nanos() {
        return now.get();
    }

    @Override
    public void workQueued() {
        pending.incrementAndGet();
    }

    @Override
    public void workDone() {
        if (pending.decrementAndGet() == 0) idleSinceReal = System.nanoTime();
    }

    @Override
    public void kernelRan(long threadInstructions) {
        kernels.incrementAndGet();
        instructions.addAndGet(threadInstructions);
        now.addAndGet(Math.round(threadInstructions * nanosPerInstruction));
    }

    @Override
    public long sleepNanos(long clockNanos) {
        return Math.min(clockNanos, MAX_SLEEP);
    }

    /** Kernels run so far. */
    public long kernels() {
        return kernels.get();
    }

    /** Thread-instructions executed by all kernels so far. */
    public long instructions() {
        return instructions.get();
    }

    /** Waits (in real time) until the clock reads {@code deviceNanos} or later. */
    public void awaitTime(long deviceNanos) {
        while (now.get() < deviceNanos) LockSupport.parkNanos(200_000);
    }

    private void tick() {
        while (!closed) {
            LockSupport.parkNanos(TICK);
            if (idleTime && pending.get() == 0 && System.nanoTime() - idleSinceReal >= IDLE_AFTER) now.addAndGet(TICK);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            ticker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
