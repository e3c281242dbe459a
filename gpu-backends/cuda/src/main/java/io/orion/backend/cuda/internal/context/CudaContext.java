package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.backend.MemoryInfo;
import io.orion.backend.cuda.internal.driver.DeviceQuery.CudaDevice;
import io.orion.backend.cuda.internal.driver.Driver;
import io.orion.backend.cuda.internal.driver.Scratch;
import io.orion.backend.cuda.internal.ffi.CudaDriver;

/**
 * One vGPU session's own CUDA context ({@code cuCtxCreate}, never the shared primary context), so
 * tenants are separated by the GPU's address spaces. Usable from any thread and from several at
 * once: each call makes the context current on its thread first (a cheap check when it already
 * is). Memory, copies and host memory are in this class; modules and launches in {@link Kernels};
 * streams and events in {@link Streams}.
 */
public final class CudaContext implements GpuContext {
    private static final Logger LOG = LoggerFactory.getLogger(CudaContext.class);

    private final ContextCore core;
    private final DeviceRanges ranges = new DeviceRanges();
    private final HostMemories hosts;
    private final Staging staging;
    private final Streams streams;
    private final Kernels kernels;
    private final Consumer<CudaContext> onClose;

    private CudaContext(ContextCore core, ContextSettings settings, Consumer<CudaContext> onClose) {
        this.core = core;
        this.hosts = new HostMemories(core);
        this.staging = new Staging(core, settings.stagingBufferBytes(), settings.stagingBuffers());
        this.streams = new Streams(core);
        this.kernels = new Kernels(core, ranges, streams);
        this.onClose = onClose;
    }

    /** What a new context is made with. */
    public record ContextSettings(int schedulingFlags, long stagingBufferBytes, int stagingBuffers) {}

    /**
     * Creates a context on {@code device}. {@code cuCtxCreate} pushes it on the calling thread's
     * context stack; it is popped again at once, leaving the thread as it was.
     *
     * @param serial  unique among this driver's contexts, never 0
     * @param onClose run once after the context was destroyed
     */
    public static CudaContext open(Driver driver, CudaDevice device, ContextSettings settings, long serial,
                                   Consumer<CudaContext> onClose) {
        Scratch s = driver.scratch();
        int rc = CudaDriver.cuCtxCreate_v4(s.out(0), MemorySegment.NULL, settings.schedulingFlags(), device.handle());
        if (rc != 0) throw driver.error(rc, "cuCtxCreate on " + device.info().uuid());
        MemorySegment handle = s.out(0).get(ADDRESS, 0);
        rc = CudaDriver.cuCtxPopCurrent_v2(s.out(1));
        if (rc != 0) {
            CudaDriver.cuCtxDestroy_v2(handle);
            driver.forgetCurrent(s); // what is current here now is unknown
            throw driver.error(rc, "cuCtxPopCurrent after cuCtxCreate on " + device.info().uuid());
        }
        return new CudaContext(new ContextCore(driver, device.info(), handle, serial), settings, onClose);
    }

    @Override
    public GpuDevice device() {
        return core.device;
    }

    /** The context's number within its backend, for logs and the console. */
    public long serial() {
        return core.serial;
    }

    // ---- memory -------------------------------------------------------------------------

    @Override
    public long memAlloc(long bytes) {
        if (bytes <= 0) throw new GpuException(CudaError.INVALID_VALUE, "allocation size must be > 0, was " + bytes);
        Scratch s = core.enter();
        try {
            MemorySegment out = s.out(0);
            int rc = CudaDriver.cuMemAlloc_v2(out, bytes);
            if (rc != 0) throw core.fail(rc, "cuMemAlloc(" + bytes + " bytes)");
            long ptr = out.get(JAVA_LONG, 0);
            ranges.add(ptr, bytes, DeviceRanges.Kind.ALLOCATION);
            return ptr;
        } finally {
            core.exit();
        }
    }

    @Override
    public void memFree(long devicePtr) {
        core.enter();
        try {
            ranges.removeAllocation(devicePtr);
            int rc = CudaDriver.cuMemFree_v2(devicePtr);
            if (rc != 0) throw core.fail(rc, "cuMemFree(0x" + Long.toHexString(devicePtr) + ")");
        } finally {
            core.exit();
        }
    }

    @Override
    public MemoryInfo memInfo() {
        Scratch s = core.enter();
        try {
            core.check(CudaDriver.cuMemGetInfo_v2(s.out(0), s.out(1)), "cuMemGetInfo");
            return new MemoryInfo(s.out(0).get(JAVA_LONG, 0), s.out(1).get(JAVA_LONG, 0));
        } finally {
            core.exit();
        }
    }

    @Override
    public void memsetD8(long devicePtr, int value, long bytes, GpuStream stream) {
        requireSize(bytes);
        core.enter();
        try {
            ranges.check(devicePtr, bytes, "memset destination");
            MemorySegment st = streams.handleOf(stream);
            if (bytes == 0) return;
            int rc = stream == null ? CudaDriver.cuMemsetD8_v2(devicePtr, (byte) value, bytes)
                    : CudaDriver.cuMemsetD8Async(devicePtr, (byte) value, bytes, st);
            if (rc != 0) throw core.fail(rc, "cuMemsetD8(0x" + Long.toHexString(devicePtr) + ", " + bytes + " bytes)");
        } finally {
            core.exit();
        }
    }

    // ---- copies -------------------------------------------------------------------------

    @Override
    public void copyHtoD(long dst, MemorySegment src, long bytes, GpuStream stream) {
        requireSize(bytes);
        requireHost(src, bytes, "source");
        Scratch s = core.enter();
        try {
            ranges.check(dst, bytes, "copy destination");
            MemorySegment st = streams.handleOf(stream);
            if (bytes == 0) return;
            if (stream == null && src.isNative()) {
                int rc = CudaDriver.cuMemcpyHtoD_v2(dst, src, bytes);
                if (rc != 0) throw core.fail(rc, "cuMemcpyHtoD(" + bytes + " bytes)");
            } else if (stream != null && src.isNative() && hosts.covers(src.address(), bytes)) {
                int rc = CudaDriver.cuMemcpyHtoDAsync_v2(dst, src, bytes, st);
                if (rc != 0) throw core.fail(rc, "cuMemcpyHtoDAsync(" + bytes + " bytes)");
            } else {
                staging.toDevice(s, dst, src, bytes, st, stream == null);
            }
        } finally {
            core.exit();
        }
    }

    @Override
    public void copyDtoH(MemorySegment dst, long src, long bytes, GpuStream stream) {
        requireSize(bytes);
        requireHost(dst, bytes, "destination");
        if (dst.isReadOnly()) throw new GpuException(CudaError.INVALID_VALUE, "the destination segment is read-only");
        Scratch s = core.enter();
        try {
            ranges.check(src, bytes, "copy source");
            MemorySegment st = streams.handleOf(stream);
            if (bytes == 0) return;
            if (!dst.isNative()) {
                staging.toHost(s, dst, src, bytes, st); // heap memory never goes to native code
            } else if (stream == null) {
                int rc = CudaDriver.cuMemcpyDtoH_v2(dst, src, bytes);
                if (rc != 0) throw core.fail(rc, "cuMemcpyDtoH(" + bytes + " bytes)");
            } else {
                // pinned: truly asynchronous; pageable: the driver completes it before returning
                int rc = CudaDriver.cuMemcpyDtoHAsync_v2(dst, src, bytes, st);
                if (rc != 0) throw core.fail(rc, "cuMemcpyDtoHAsync(" + bytes + " bytes)");
            }
        } finally {
            core.exit();
        }
    }

    @Override
    public void copyDtoD(long dst, long src, long bytes, GpuStream stream) {
        requireSize(bytes);
        core.enter();
        try {
            ranges.check(src, bytes, "copy source");
            ranges.check(dst, bytes, "copy destination");
            MemorySegment st = streams.handleOf(stream);
            if (bytes == 0) return;
            int rc = stream == null ? CudaDriver.cuMemcpyDtoD_v2(dst, src, bytes)
                    : CudaDriver.cuMemcpyDtoDAsync_v2(dst, src, bytes, st);
            if (rc != 0) throw core.fail(rc, "cuMemcpyDtoD(" + bytes + " bytes)");
        } finally {
            core.exit();
        }
    }

    @Override
    public HostMemory allocHost(long bytes) {
        return hosts.allocate(bytes);
    }

    @Override
    public HostMemory registerHost(MemorySegment region) {
        return hosts.register(region);
    }

    // ---- modules and kernels ------------------------------------------------------------

    @Override
    public GpuModule loadModule(MemorySegment image) {
        return kernels.load(image);
    }

    @Override
    public void unloadModule(GpuModule module) {
        kernels.unload(module);
    }

    @Override
    public GpuFunction function(GpuModule module, String name) {
        return kernels.function(module, name);
    }

    @Override
    public DeviceSymbol global(GpuModule module, String name) {
        return kernels.global(module, name);
    }

    @Override
    public FunctionAttributes attributes(GpuFunction function) {
        return kernels.attributes(function);
    }

    @Override
    public int maxActiveBlocksPerMultiprocessor(GpuFunction function, int blockSize, long dynamicSharedBytes) {
        return kernels.maxActiveBlocks(function, blockSize, dynamicSharedBytes);
    }

    @Override
    public void launch(GpuFunction function, Dim3 grid, Dim3 block, int dynamicSharedBytes, GpuStream stream,
                       MemorySegment args) {
        kernels.launch(function, grid, block, dynamicSharedBytes, stream, args);
    }

    // ---- streams, events, synchronisation -----------------------------------------------

    @Override
    public GpuStream createStream(boolean nonBlocking, int priority) {
        return streams.createStream(nonBlocking, priority);
    }

    @Override
    public void destroyStream(GpuStream stream) {
        streams.destroyStream(stream);
    }

    @Override
    public void synchronize(GpuStream stream) {
        streams.synchronize(stream);
    }

    @Override
    public boolean isIdle(GpuStream stream) {
        return streams.isIdle(stream);
    }

    @Override
    public void waitEvent(GpuStream stream, GpuEvent event) {
        streams.waitEvent(stream, event);
    }

    @Override
    public GpuEvent createEvent(boolean timing, boolean blockingSync) {
        return streams.createEvent(timing, blockingSync);
    }

    @Override
    public void destroyEvent(GpuEvent event) {
        streams.destroyEvent(event);
    }

    @Override
    public void record(GpuEvent event, GpuStream stream) {
        streams.record(event, stream);
    }

    @Override
    public void synchronize(GpuEvent event) {
        streams.synchronize(event);
    }

    @Override
    public boolean isComplete(GpuEvent event) {
        return streams.isComplete(event);
    }

    @Override
    public float elapsedMillis(GpuEvent start, GpuEvent end) {
        return streams.elapsedMillis(start, end);
    }

    @Override
    public void synchronize() {
        core.enter();
        try {
            core.check(CudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
        } finally {
            core.exit();
        }
    }

    /**
     * Waits for calls in flight, frees pinned host memory and staging buffers, then destroys the
     * CUDA context, which frees its device memory, modules, streams and events. Never throws:
     * a session's end must not fail; problems are logged.
     */
    @Override
    public void close() {
        boolean first = core.guard().close(inFlight ->
                LOG.warn("closing {}: still waiting for {} call(s) in flight", core.describe(), inFlight));
        if (!first) return;
        Driver driver = core.driver;
        Scratch s = driver.scratch();
        try {
            driver.makeCurrent(s, core.token, core.handle);
            hosts.releaseAll();
            staging.free();
        } catch (RuntimeException e) {
            closeProblem("freeing host memory failed: " + e.getMessage());
        }
        int rc = CudaDriver.cuCtxDestroy_v2(core.handle);
        driver.forgetCurrent(s);
        if (rc != 0) closeProblem(driver.error(rc, "cuCtxDestroy").getMessage());
        onClose.accept(this);
    }

    /** A warning, unless the backend is faulted: then every close fails alike, and the fault was logged once already. */
    private void closeProblem(String problem) {
        if (core.driver.fault() == null) LOG.warn("closing {}: {}", core.describe(), problem);
        else LOG.debug("closing {} after the backend faulted: {}", core.describe(), problem);
    }

    @Override
    public String toString() {
        return core.describe();
    }

    private static void requireSize(long bytes) {
        if (bytes < 0) throw new GpuException(CudaError.INVALID_VALUE, "byte count must be >= 0, was " + bytes);
    }

    private static void requireHost(MemorySegment segment, long bytes, String what) {
        if (segment == null) throw new GpuException(CudaError.INVALID_VALUE, "the " + what + " segment is null");
        if (segment.byteSize() < bytes)
            throw new GpuException(CudaError.INVALID_VALUE, "the " + what + " segment has " + segment.byteSize()
                    + " bytes, the copy " + bytes);
    }
}
