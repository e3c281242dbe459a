package io.orion.server.internal.gate;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.backend.MemoryInfo;

/**
 * A context on a pretend GPU that keeps real time: a launch "runs" for a fixed time after
 * whatever was queued before it on the device (all contexts share one timeline), and events
 * complete when the device reaches them. Only what the gate uses is there: launches, events,
 * streams. The device remembers every launch that was queued while another context's kernel was
 * still unfinished: what exclusive slices must never let happen.
 */
final class TimedContext implements GpuContext {
    /** The pretend GPU that contexts share. */
    static final class Device {
        private long freeAt;
        private final List<long[]> kernels = new ArrayList<>(); // context id, end
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger launches = new AtomicInteger();

        synchronized long run(int context, long now, long after, long nanos) {
            for (long[] k : kernels) if (k[0] != context && k[1] > now) {
                overlaps.incrementAndGet();
                break;
            }
            kernels.removeIf(k -> k[1] <= now);
            long start = Math.max(now, Math.max(after, freeAt));
            freeAt = start + nanos;
            kernels.add(new long[] {context, freeAt});
            launches.incrementAndGet();
            return freeAt;
        }
    }

    static final class Event implements GpuEvent {
        volatile long at = Long.MIN_VALUE;
    }

    static final class Stream implements GpuStream {}

    private static final AtomicInteger IDS = new AtomicInteger();
    private final int id = IDS.incrementAndGet();
    private final Device device;
    volatile long kernelNanos;
    private final Map<GpuStream, Long> tails = new HashMap<>();
    final AtomicInteger eventsCreated = new AtomicInteger();
    final AtomicInteger eventsRecorded = new AtomicInteger();

    TimedContext(Device device, long kernelNanos) {
        this.device = device;
        this.kernelNanos = kernelNanos;
    }

    private synchronized long tail(GpuStream s) {
        return tails.getOrDefault(s, Long.MIN_VALUE);
    }

    @Override
    public synchronized void launch(GpuFunction f, Dim3 grid, Dim3 block, int smem, GpuStream s, MemorySegment args) {
        tails.put(s, device.run(id, System.nanoTime(), tail(s), kernelNanos));
    }

    @Override public GpuEvent createEvent(boolean timing, boolean blockingSync) {
        eventsCreated.incrementAndGet();
        return new Event();
    }

    @Override public synchronized void record(GpuEvent e, GpuStream s) {
        eventsRecorded.incrementAndGet();
        ((Event) e).at = Math.max(System.nanoTime(), tail(s));
    }

    @Override public boolean isComplete(GpuEvent e) {
        return System.nanoTime() >= ((Event) e).at;
    }

    @Override public void synchronize(GpuEvent e) {
        long at;
        while ((at = ((Event) e).at) > System.nanoTime()) LockSupport.parkNanos(Math.max(1000, at - System.nanoTime()));
    }

    @Override public float elapsedMillis(GpuEvent a, GpuEvent b) {
        return (((Event) b).at - ((Event) a).at) / 1e6f;
    }

    @Override public GpuStream createStream(boolean nonBlocking, int priority) { return new Stream(); }

    @Override public void destroyStream(GpuStream s) {}

    @Override public void close() {}

    // ---- not used by the gate ----------------------------------------------------------------------
    @Override public GpuDevice device() { throw new UnsupportedOperationException(); }
    @Override public long memAlloc(long bytes) { throw new UnsupportedOperationException(); }
    @Override public void memFree(long p) { throw new UnsupportedOperationException(); }
    @Override public MemoryInfo memInfo() { throw new UnsupportedOperationException(); }
    @Override public void memsetD8(long p, int v, long n, GpuStream s) { throw new UnsupportedOperationException(); }
    @Override public void copyHtoD(long d, MemorySegment s, long n, GpuStream st) { throw new UnsupportedOperationException(); }
    @Override public void copyDtoH(MemorySegment d, long s, long n, GpuStream st) { throw new UnsupportedOperationException(); }
    @Override public void copyDtoD(long d, long s, long n, GpuStream st) { throw new UnsupportedOperationException(); }
    @Override public HostMemory allocHost(long n) { throw new UnsupportedOperationException(); }
    @Override public HostMemory registerHost(MemorySegment r) { throw new UnsupportedOperationException(); }
    @Override public GpuModule loadModule(MemorySegment image) { throw new UnsupportedOperationException(); }
    @Override public void unloadModule(GpuModule m) { throw new UnsupportedOperationException(); }
    @Override public GpuFunction function(GpuModule m, String name) { throw new UnsupportedOperationException(); }
    @Override public DeviceSymbol global(GpuModule m, String name) { throw new UnsupportedOperationException(); }
    @Override public FunctionAttributes attributes(GpuFunction f) { throw new UnsupportedOperationException(); }
    @Override public int maxActiveBlocksPerMultiprocessor(GpuFunction f, int b, long s) { throw new UnsupportedOperationException(); }
    @Override public void synchronize(GpuStream s) { throw new UnsupportedOperationException(); }
    @Override public boolean isIdle(GpuStream s) { throw new UnsupportedOperationException(); }
    @Override public void waitEvent(GpuStream s, GpuEvent e) { throw new UnsupportedOperationException(); }
    @Override public void destroyEvent(GpuEvent e) {}
    @Override public void synchronize() { throw new UnsupportedOperationException(); }
}
