package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.HostMemory;
import io.orion.backend.cuda.internal.driver.Scratch;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * The pinned host memory of one context, by address: copies from or to it can go to the driver
 * directly and asynchronously; anything else is staged.
 */
final class HostMemories {
    private final ContextCore core;
    private final ConcurrentSkipListMap<Long, PinnedHost> pinned = new ConcurrentSkipListMap<>();
    private PinnedHost recent;

    HostMemories(ContextCore core) {
        this.core = core;
    }

    HostMemory allocate(long bytes) {
        if (bytes <= 0) throw new GpuException(CudaError.INVALID_VALUE, "pinned host size must be > 0, was " + bytes);
        Scratch s = core.enter();
        try {
            MemorySegment out = s.out(0);
            core.check(CudaDriver.cuMemAllocHost_v2(out, bytes), "cuMemAllocHost(" + bytes + " bytes)");
            PinnedHost h = PinnedHost.allocated(this, out.get(JAVA_LONG, 0), bytes);
            pinned.put(h.address(), h);
            return h;
        } finally {
            core.exit();
        }
    }

    HostMemory register(MemorySegment region) {
        if (region == null || !region.isNative())
            throw new GpuException(CudaError.INVALID_VALUE, "only native memory can be registered, was " + region);
        if (region.byteSize() == 0) throw new GpuException(CudaError.INVALID_VALUE, "cannot register an empty region");
        Scratch s = core.enter();
        try {
            core.check(CudaDriver.cuMemHostRegister_v2(region, region.byteSize(), 0),
                    "cuMemHostRegister(0x" + Long.toHexString(region.address()) + ", " + region.byteSize() + " bytes)");
            PinnedHost h = PinnedHost.registered(this, region);
            pinned.put(h.address(), h);
            return h;
        } finally {
            core.exit();
        }
    }

    /**
     * True when {@code [address, address+bytes)} lies in pinned memory of this context. Asked on
     * every copy on a stream, so the region found last is tried first (the shared-memory transport
     * copies from one registered region again and again); it is a plain field, as in
     * {@link DeviceRanges}, and trusted only while not released.
     */
    boolean covers(long address, long bytes) {
        PinnedHost h = recent;
        if (h != null && h.contains(address, bytes) && !h.released()) return true;
        Map.Entry<Long, PinnedHost> e = pinned.floorEntry(address);
        if (e == null || !e.getValue().contains(address, bytes)) return false;
        recent = e.getValue();
        return true;
    }

    /** Frees or unregisters one; a second close, or one after the context closed, does nothing. */
    void release(PinnedHost h) {
        if (!h.markReleased()) return;
        pinned.remove(h.address(), h);
        if (core.guard().isClosed()) return; // the context took it down with it
        Scratch s;
        try {
            s = core.enter();
        } catch (GpuException closedMeanwhile) {
            return;
        }
        try {
            freeNative(h);
        } finally {
            core.exit();
        }
    }

    /** At context close (no calls in flight any more): releases everything left. */
    void releaseAll() {
        for (PinnedHost h : List.copyOf(pinned.values())) {
            if (h.markReleased()) {
                pinned.remove(h.address(), h);
                try {
                    freeNative(h);
                } catch (GpuException e) {
                    // the context is being destroyed, which frees it anyway
                }
            }
        }
    }

    private void freeNative(PinnedHost h) {
        MemorySegment p = MemorySegment.ofAddress(h.address());
        if (h.origin() == PinnedHost.Origin.ALLOCATED)
            core.check(CudaDriver.cuMemFreeHost(p), "cuMemFreeHost(0x" + Long.toHexString(h.address()) + ")");
        else
            core.check(CudaDriver.cuMemHostUnregister(p), "cuMemHostUnregister(0x" + Long.toHexString(h.address()) + ")");
    }
}
