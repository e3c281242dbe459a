package io.orion.backend.host.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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
import io.orion.backend.host.internal.interp.KernelFault;
import io.orion.backend.host.internal.interp.Launch;
import io.orion.backend.host.internal.interp.Program;
import io.orion.backend.host.internal.memory.Allocation;
import io.orion.backend.host.internal.memory.DeviceMemory;
import io.orion.backend.host.internal.memory.PinnedMemory;
import io.orion.backend.host.internal.module.HostFunction;
import io.orion.backend.host.internal.module.HostModule;
import io.orion.backend.host.internal.stream.StreamScheduler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device context on a host device: its own device memory (address space), streams and events,
 * modules and pinned host memory. Queued work runs on the backend's stream executor; thread blocks
 * run on its worker pool.
 */
final class HostContext implements GpuContext {
    private static final Logger LOG = LoggerFactory.getLogger(HostContext.class);

    private final HostDevice device;
    private final DeviceMemory memory;
    private final StreamScheduler scheduler;
    private final Executor workers;
    private final int workerCount;
    private final Consumer<HostContext> onClose;
    private final HostClock clock;
    private final Set<HostModule> modules = ConcurrentHashMap.newKeySet();
    private final Set<PinnedMemory> pinned = ConcurrentHashMap.newKeySet();
    private final Set<Launch> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong gridIds = new AtomicLong();
    /** A thread that owns nothing: a segment it may access is reachable from the stream executor. */
    private final Thread stranger = Thread.ofPlatform().unstarted(() -> { });
    private volatile Consumer<String> printf = line -> LOG.info("device printf: {}", line);
    private volatile Launch lastLaunch;
    private volatile boolean closed;

    HostContext(HostDevice device, Executor streamExecutor, Executor workers, int workerCount, HostClock clock,
                Consumer<HostContext> onClose) {
        this.device = device;
        this.memory = new DeviceMemory(device.budget, device.addressBase, HostDevice.ADDRESS_WINDOW);
        this.clock = clock;
        this.scheduler = new StreamScheduler(streamExecutor, clock::nanos, clock::workQueued, clock::workDone);
        this.workers = workers;
        this.workerCount = workerCount;
        this.onClose = onClose;
    }

    @Override
    public GpuDevice device() {
        return device.info;
    }

    /** The most recent launch that ran, for the benchmark's instruction counts. */
    Launch lastLaunch() {
        return lastLaunch;
    }

    /** Where device {@code printf} output goes (the log by default). */
    void printfSink(Consumer<String> sink) {
        this.printf = sink;
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public long memAlloc(long bytes) {
        usable();
        return memory.allocate(bytes).base();
    }

    @Override
    public void memFree(long devicePtr) {
        usable();
        scheduler.synchronizeAll(); // as cudaFree: queued work that uses the memory finishes first
        memory.free(devicePtr);
    }

    @Override
    public MemoryInfo memInfo() {
        usable();
        return new MemoryInfo(device.budget.free(), device.budget.capacity());
    }

    @Override
    public void memsetD8(long devicePtr, int value, long bytes, GpuStream stream) {
        usable();
        if (bytes == 0) return;
        Allocation a = memory.require(devicePtr, bytes, "memset");
        long off = devicePtr - a.base();
        byte b = (byte) value;
        submit(stream, () -> a.segment().asSlice(off, bytes).fill(b), stream == null);
    }

    @Override
    public void copyHtoD(long dst, MemorySegment src, long bytes, GpuStream stream) {
        usable();
        if (bytes == 0) return;
        Allocation a = memory.require(dst, bytes, "copyHtoD destination");
        checkHost(src, bytes, "source");
        long off = dst - a.base();
        if (stream == null) {
            scheduler.runInline(null, () -> MemorySegment.copy(src, 0, a.segment(), off, bytes));
        } else if (isPinned(src)) {
            scheduler.enqueue(stream, () -> MemorySegment.copy(src, 0, a.segment(), off, bytes));
        } else {
            // Pageable memory: staged now, so the caller may reuse it as soon as this returns.
            MemorySegment staged = MemorySegment.ofArray(src.asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE));
            scheduler.enqueue(stream, () -> MemorySegment.copy(staged, 0, a.segment(), off, bytes));
        }
    }

    @Override
    public void copyDtoH(MemorySegment dst, long src, long bytes, GpuStream stream) {
        usable();
        if (bytes == 0) return;
        Allocation a = memory.require(src, bytes, "copyDtoH source");
        checkHost(dst, bytes, "destination");
        if (dst.isReadOnly()) throw new GpuException(CudaError.INVALID_VALUE, "copyDtoH destination is read-only");
        long off = src - a.base();
        Runnable copy = () -> MemorySegment.copy(a.segment(), off, dst, 0, bytes);
        // Memory only its owner thread may touch cannot be written from the stream executor:
        // then the copy waits for its turn on the stream and runs in the calling thread.
        submit(stream, copy, stream == null || !dst.isAccessibleBy(stranger));
    }

    @Override
    public void copyDtoD(long dst, long src, long bytes, GpuStream stream) {
        usable();
        if (bytes == 0) return;
        Allocation to = memory.require(dst, bytes, "copyDtoD destination");
        Allocation from = memory.require(src, bytes, "copyDtoD source");
        long toOff = dst - to.base();
        long fromOff = src - from.base();
        submit(stream, () -> MemorySegment.copy(from.segment(), fromOff, to.segment(), toOff, bytes), stream == null);
    }

    private void submit(GpuStream stream, Runnable work, boolean inline) {
        if (stream == null || inline) scheduler.runInline(stream, work);
        else scheduler.enqueue(stream, work::run);
    }

    private static void checkHost(MemorySegment host, long bytes, String what) {
        if (host == null) throw new GpuException(CudaError.INVALID_VALUE, "host " + what + " is null");
        if (bytes < 0) throw new GpuException(CudaError.INVALID_VALUE, "negative copy size " + bytes);
        if (host.byteSize() < bytes)
            throw new GpuException(CudaError.INVALID_VALUE, "host " + what + " has " + host.byteSize() + " bytes, the copy needs " + bytes);
    }

    private boolean isPinned(MemorySegment segment) {
        if (!segment.isNative() || !segment.isAccessibleBy(stranger)) return false;
        for (PinnedMemory p : pinned) if (p.covers(segment.address(), segment.byteSize())) return true;
        return false;
    }

    @Override
    public HostMemory allocHost(long bytes) {
        usable();
        if (bytes <= 0) throw new GpuException(CudaError.INVALID_VALUE, "pinned allocation size must be positive, was " + bytes);
        PinnedMemory p;
        try {
            p = PinnedMemory.allocate(bytes, pinned::remove);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            throw new GpuException(CudaError.OUT_OF_MEMORY, "cannot allocate " + bytes + " bytes of pinned host memory");
        }
        pinned.add(p);
        return p;
    }

    @Override
    public HostMemory registerHost(MemorySegment region) {
        usable();
        if (region == null || !region.isNative() || region.byteSize() == 0)
            throw new GpuException(CudaError.INVALID_VALUE, "only a non-empty off-heap region can be registered");
        synchronized (pinned) {
            for (PinnedMemory p : pinned) {
                if (p.overlaps(region))
                    throw new GpuException(CudaError.HOST_MEMORY_ALREADY_REGISTERED, "part of [0x" + Long.toHexString(region.address())
                            + ", +" + region.byteSize() + ") is already registered or pinned");
            }
            PinnedMemory p = PinnedMemory.register(region, pinned::remove);
            pinned.add(p);
            return p;
        }
    }

    // ---- modules and kernels ------------------------------------------------------------------------

    @Override
    public GpuModule loadModule(MemorySegment image) {
        usable();
        if (image == null || image.byteSize() > Integer.MAX_VALUE - 8)
            throw new GpuException(CudaError.INVALID_VALUE, "module image is null or larger than 2 GiB");
        byte[] bytes = image.toArray(ValueLayout.JAVA_BYTE);
        HostModule m = HostModule.load(this, bytes, HostDevice.CC_MAJOR * 10 + HostDevice.CC_MINOR, memory);
        modules.add(m);
        return m;
    }

    @Override
    public void unloadModule(GpuModule module) {
        usable();
        HostModule m = own(module);
        scheduler.synchronizeAll();
        modules.remove(m);
        m.unload(memory);
    }

    @Override
    public GpuFunction function(GpuModule module, String name) {
        usable();
        return own(module).function(name);
    }

    @Override
    public DeviceSymbol global(GpuModule module, String name) {
        usable();
        return own(module).global(name);
    }

    @Override
    public FunctionAttributes attributes(GpuFunction function) {
        usable();
        HostFunction f = own(function);
        int maxThreads = Limits.THREADS_PER_BLOCK;
        int shared = 0, local = 0, regs = 32;
        if (f.problem() == null) {
            Program p = f.program();
            shared = p.staticSharedBytes();
            local = p.localBytesPerThread();
            regs = registers(p);
            int[] bound = p.requiredBlock() != null ? p.requiredBlock() : p.maxBlock();
            if (bound != null) maxThreads = Math.min(maxThreads, bound[0] * bound[1] * bound[2]);
        }
        return new FunctionAttributes(maxThreads, shared, (int) f.module().constBytes(), local, regs,
                f.module().ptxVersion(), HostDevice.CC_MAJOR * 10 + HostDevice.CC_MINOR, Limits.SHARED_PER_BLOCK - shared);
    }

    /** A plausible hardware register count: the PTX registers a kernel declares, within the hardware's range. */
    private static int registers(Program p) {
        return Math.max(16, Math.min(255, p.declaredRegisters()));
    }

    @Override
    public int maxActiveBlocksPerMultiprocessor(GpuFunction function, int blockSize, long dynamicSharedBytes) {
        usable();
        HostFunction f = own(function);
        if (blockSize <= 0 || blockSize > Limits.THREADS_PER_BLOCK || dynamicSharedBytes < 0)
            throw new GpuException(CudaError.INVALID_VALUE, "block size " + blockSize + " or dynamic shared memory "
                    + dynamicSharedBytes + " out of range");
        Program p = f.program();
        int warps = (blockSize + 31) / 32;
        int byThreads = Limits.THREADS_PER_SM / (warps * 32);
        long shared = p.sharedBytes((int) Math.min(Integer.MAX_VALUE, dynamicSharedBytes)) + Limits.RESERVED_SHARED_PER_BLOCK;
        int byShared = (int) Math.min(Integer.MAX_VALUE, Limits.SHARED_PER_SM / shared);
        int byRegisters = Limits.REGISTERS_PER_SM / (registers(p) * warps * 32);
        return Math.max(0, Math.min(Limits.BLOCKS_PER_SM, Math.min(byThreads, Math.min(byShared, byRegisters))));
    }

    @Override
    public void launch(GpuFunction function, Dim3 grid, Dim3 block, int dynamicSharedBytes, GpuStream stream, MemorySegment args) {
        usable();
        HostFunction f = own(function);
        scheduler.own(stream);
        Program p = f.program(); // the reason, if the interpreter cannot run this kernel
        if (grid == null || block == null) throw new GpuException(CudaError.INVALID_VALUE, "grid and block must be given");
        if (block.volume() > Limits.THREADS_PER_BLOCK || block.x() > 1024 || block.y() > 1024 || block.z() > 64)
            throw new GpuException(CudaError.INVALID_VALUE, "block " + dims(block) + " exceeds the device's limits (1024 threads, 1024x1024x64)");
        if (grid.y() > 65535 || grid.z() > 65535)
            throw new GpuException(CudaError.INVALID_VALUE, "grid " + dims(grid) + " exceeds the device's limits (2^31-1 x 65535 x 65535)");
        int[] required = p.requiredBlock();
        if (required != null && (required[0] != block.x() || required[1] != block.y() || required[2] != block.z()))
            throw new GpuException(CudaError.INVALID_VALUE, "kernel '" + f.name() + "' requires blocks of " + required[0] + "x"
                    + required[1] + "x" + required[2] + " (.reqntid), launched with " + dims(block));
        int[] max = p.maxBlock();
        if (max != null && block.volume() > (long) max[0] * max[1] * max[2])
            throw new GpuException(CudaError.INVALID_VALUE, "kernel '" + f.name() + "' takes at most " + (max[0] * max[1] * max[2])
                    + " threads per block (.maxntid), launched with " + block.volume());
        if (dynamicSharedBytes < 0 || p.sharedBytes(dynamicSharedBytes) > Limits.SHARED_PER_BLOCK_OPTIN)
            throw new GpuException(CudaError.INVALID_VALUE, "kernel '" + f.name() + "' would need " + p.sharedBytes(Math.max(0, dynamicSharedBytes))
                    + " bytes of shared memory per block; the device has " + Limits.SHARED_PER_BLOCK_OPTIN);
        long needed = p.paramBytes();
        long given = args == null ? 0 : args.byteSize();
        if (given < needed)
            throw new GpuException(CudaError.INVALID_VALUE, "kernel '" + f.name() + "' takes " + needed
                    + " bytes of parameters, the argument buffer has " + given);
        MemorySegment params = MemorySegment.ofArray(new byte[(int) needed]);
        if (needed > 0) MemorySegment.copy(args, 0, params, 0, needed);
        String kernel = f.name();
        Consumer<String> sink = printf;
        Launch launch = new Launch(p, memory, params, new int[] {grid.x(), grid.y(), grid.z()},
                new int[] {block.x(), block.y(), block.z()}, dynamicSharedBytes, workerCount, gridIds.incrementAndGet(), sink);
        scheduler.enqueue(stream, () -> {
            running.add(launch);
            if (closed) launch.abort(); // close() may have looked at the running launches just before
            long start = System.nanoTime();
            try {
                launch.run(workers);
            } catch (KernelFault fault) {
                throw new GpuException(fault.error(), fault.getMessage());
            } finally {
                running.remove(launch);
                lastLaunch = launch;
                device.busy(System.nanoTime() - start);
                clock.kernelRan(launch.executedInstructions());
            }
            LOG.debug("kernel {} ran {} thread-instructions", kernel, launch.executedInstructions());
        });
    }

    private static String dims(Dim3 d) {
        return d.x() + "x" + d.y() + "x" + d.z();
    }

    // ---- streams, events, synchronisation -----------------------------------------------------------

    @Override
    public GpuStream createStream(boolean nonBlocking, int priority) {
        usable();
        return scheduler.create(nonBlocking, priority);
    }

    @Override
    public void destroyStream(GpuStream stream) {
        open();
        scheduler.destroy(stream);
    }

    @Override
    public void synchronize(GpuStream stream) {
        open();
        scheduler.synchronize(stream);
    }

    @Override
    public boolean isIdle(GpuStream stream) {
        open();
        return scheduler.isIdle(stream);
    }

    @Override
    public void waitEvent(GpuStream stream, GpuEvent event) {
        usable();
        scheduler.waitEvent(stream, event);
    }

    @Override
    public GpuEvent createEvent(boolean timing, boolean blockingSync) {
        usable();
        return scheduler.createEvent(timing, blockingSync);
    }

    @Override
    public void destroyEvent(GpuEvent event) {
        open();
        scheduler.own(event);
    }

    @Override
    public void record(GpuEvent event, GpuStream stream) {
        usable();
        scheduler.record(event, stream);
    }

    @Override
    public void synchronize(GpuEvent event) {
        open();
        scheduler.synchronize(event);
    }

    @Override
    public boolean isComplete(GpuEvent event) {
        open();
        return scheduler.isComplete(event);
    }

    @Override
    public float elapsedMillis(GpuEvent start, GpuEvent end) {
        open();
        return scheduler.elapsedMillis(start, end);
    }

    @Override
    public void synchronize() {
        open();
        scheduler.synchronizeAll();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        for (Launch l : running) l.abort();
        scheduler.close();
        for (HostModule m : modules) m.unload(memory);
        modules.clear();
        for (PinnedMemory p : pinned.toArray(new PinnedMemory[0])) p.close();
        memory.close();
        onClose.accept(this);
    }

    // ---- checks -----------------------------------------------------------------------------------------

    private void open() {
        if (closed) throw new GpuException(CudaError.INVALID_CONTEXT, "the context is closed");
    }

    /** Open, and no earlier asynchronous error has made it unusable (CUDA's sticky errors). */
    private void usable() {
        open();
        scheduler.throwIfFailed();
    }

    private HostModule own(GpuModule module) {
        if (!(module instanceof HostModule m) || !m.ownedBy(this) || !modules.contains(m))
            throw new GpuException(CudaError.INVALID_HANDLE, "unknown or unloaded module " + module);
        return m;
    }

    private HostFunction own(GpuFunction function) {
        if (!(function instanceof HostFunction f) || !f.module().ownedBy(this) || !modules.contains(f.module()))
            throw new GpuException(CudaError.INVALID_HANDLE, "unknown function " + function + ", or its module was unloaded");
        return f;
    }
}
