package io.orion.server.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.server.SessionVgpu;
import io.orion.protocol.ModuleCalls;
import io.orion.server.internal.gate.DeviceTrack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vGPU of a session: its own device context on the backend, what the session made in it
 * (allocations, modules, functions, streams, events) and its counters.
 */
final class SessionDevice {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDevice.class);

    /** A loaded module and the globals and functions looked up in it (dropped with it). */
    record ModuleEntry(GpuModule module, List<Long> globalBases, List<Long> functionHandles) {}

    /** A kernel, its parameter layout as sent to the client, and its module's handle. */
    record FunctionEntry(GpuFunction function, long module, ModuleCalls.FunctionInfo info) {}

    final int index;
    final Grant grant;
    final GpuDevice gpu;
    final GpuContext context;
    final Allocations allocations;
    final HandleTable<ModuleEntry> modules = new HandleTable<>("module");
    final HandleTable<FunctionEntry> functions = new HandleTable<>("function");
    final HandleTable<GpuStream> streams = new HandleTable<>("stream");
    final HandleTable<GpuEvent> events = new HandleTable<>("event");
    /** "module/name" → function handle, so that looking a kernel up again gives the same handle. */
    final ConcurrentHashMap<String, Long> functionByName = new ConcurrentHashMap<>();

    final LongAdder launches = new LongAdder();
    final LongAdder bytesToDevice = new LongAdder();
    final LongAdder bytesFromDevice = new LongAdder();
    final LongAdder bytesOnDevice = new LongAdder();
    final LongAdder calls = new LongAdder();

    /** The compute gate's view of this device, from its first launch (GatedLaunches; guarded by this object). */
    volatile DeviceTrack gateTrack;
    /** The session is closing: the gate takes the device no more. */
    boolean gateClosed;

    /** The attached connection's shared region as this context sees it (registered when it could be); null without one. */
    private volatile MemorySegment region;
    private volatile HostMemory regionRegistration;
    /**
     * Pinned memory device-to-host copies are staged in for transports that copy, two buffers so that
     * one chunk is sent while the next is copied (ChunkedCopyOut); each made on first use.
     */
    private final HostMemory[] staging = new HostMemory[2];
    /** The stream chunks of default-stream copies are queued on, one ahead of the one sent; made on first use. */
    private GpuStream copyStream;

    SessionDevice(int index, Grant grant, GpuDevice gpu, GpuContext context) {
        this.index = index;
        this.grant = grant;
        this.gpu = gpu;
        this.context = context;
        this.allocations = new Allocations(index);
    }

    /** The stream behind a handle; 0 is the default stream (null for the backend). */
    GpuStream stream(long handle) {
        return handle == 0 ? null : streams.get(handle);
    }

    /**
     * Takes the connection's shared region: registered with the backend so that copies go straight
     * between it and the device; if the backend refuses, copies stage through its own buffers.
     */
    void attachRegion(MemorySegment shared) {
        try {
            HostMemory reg = context.registerHost(shared);
            regionRegistration = reg;
            region = reg.segment();
        } catch (GpuException e) {
            LOG.warn("device {}: could not register the shared region of {} bytes with the backend ({}); copies will be staged",
                    index, shared.byteSize(), e.getMessage());
            region = shared;
        }
    }

    /** Lets go of the region: waits for queued work that may still use it, then unregisters it. */
    void detachRegion() {
        if (region == null) return;
        try {
            context.synchronize();
        } catch (RuntimeException e) {
            LOG.debug("device {}: synchronize before releasing the shared region: {}", index, e.getMessage());
        }
        HostMemory reg = regionRegistration;
        regionRegistration = null;
        region = null;
        if (reg != null) {
            try {
                reg.close();
            } catch (RuntimeException e) {
                LOG.warn("device {}: unregistering the shared region failed: {}", index, e.getMessage());
            }
        }
    }

    /** {@code bytes} bytes of the region at {@code offset}, checked against its size. */
    MemorySegment region(long offset, long bytes) {
        MemorySegment r = region;
        if (r == null)
            throw new GpuException(CudaError.NOT_SUPPORTED, "this connection has no shared region (use the shm transport)");
        if (offset < 0 || bytes < 0 || offset > r.byteSize() || bytes > r.byteSize() - offset)
            throw new GpuException(CudaError.INVALID_VALUE, "region range " + offset + "+" + bytes + " is outside the "
                    + r.byteSize() + "-byte shared region");
        return r.asSlice(offset, bytes);
    }

    boolean hasRegion() { return region != null; }

    /** Pinned staging buffer {@code which} (0 or 1) of at least {@code bytes}; no copy may be in flight into it. */
    MemorySegment staging(int which, long bytes) {
        HostMemory h = staging[which];
        if (h == null || h.segment().byteSize() < bytes) {
            if (h != null) h.close();
            staging[which] = null;
            staging[which] = context.allocHost(bytes);
        }
        return staging[which].segment();
    }

    /** A blocking stream of the server's own (the client has no handle to it) for the chunks of default-stream copies. */
    GpuStream copyStream() {
        if (copyStream == null) copyStream = context.createStream(false, 0);
        return copyStream;
    }

    /** Frees everything: the context with all it holds, and the quota it used. Returns the bytes freed. */
    long close() {
        detachRegion();
        for (int i = 0; i < staging.length; i++) {
            if (staging[i] == null) continue;
            try {
                staging[i].close();
            } catch (RuntimeException e) {
                LOG.debug("device {}: freeing staging memory: {}", index, e.getMessage());
            }
            staging[i] = null;
        }
        copyStream = null; // destroyed with the context
        long bytes = allocations.ownedBytes();
        try {
            context.close();
        } finally {
            grant.release(bytes);
            grant.retire(this);
        }
        return bytes;
    }

    SessionVgpu usage() {
        return new SessionVgpu(grant.id(), index, allocations.ownedBytes(), allocations.count(), launches.sum(),
                bytesToDevice.sum(), bytesFromDevice.sum(), bytesOnDevice.sum(), calls.sum());
    }
}
