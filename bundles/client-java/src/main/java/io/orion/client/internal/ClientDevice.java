package io.orion.client.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuException;
import io.orion.client.Event;
import io.orion.client.Kernel;
import io.orion.client.KernelArgs;
import io.orion.client.Module;
import io.orion.client.Stream;
import io.orion.client.Vgpu;
import io.orion.protocol.DeviceCalls;
import io.orion.protocol.EventCalls;
import io.orion.protocol.ExecCalls;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.Reply;
import io.orion.protocol.Results;
import io.orion.protocol.StreamCalls;

/**
 * One vGPU of a session. Copies take the shortest way the connection offers: on shared memory,
 * data already in the region is copied by the device straight from it (zero copy), other data is
 * staged through the region; over TCP data travels in chunks, all but the last sent without waiting.
 */
final class ClientDevice implements Vgpu {
    /** Largest staging piece for copies through the region. */
    private static final long STAGING = 8L << 20;

    private final ClientSession session;
    private final int index;

    ClientDevice(ClientSession session, int index) {
        this.session = session;
        this.index = index;
    }

    @Override public int index() { return index; }

    private static long handle(Reply r) { return ((Results.Handle) ClientSession.ok(r).result()).handle(); }

    private static long stream(Stream s) { return s == null ? 0 : ((StreamHandle) s).handle; }

    @Override public DeviceCalls.DeviceDescription info() {
        return (DeviceCalls.DeviceDescription) ClientSession.ok(session.call(new DeviceCalls.DeviceInfo(index))).result();
    }

    @Override public DeviceCalls.MemoryStatus memInfo() {
        return (DeviceCalls.MemoryStatus) ClientSession.ok(session.call(new DeviceCalls.MemInfo(index))).result();
    }

    @Override public long malloc(long bytes) {
        return ((Results.Pointer) ClientSession.ok(session.call(new MemoryCalls.MemAlloc(index, bytes))).result()).address();
    }

    @Override public void free(long ptr) { ClientSession.ok(session.call(new MemoryCalls.MemFree(index, ptr))); }

    @Override public void memset(long ptr, int value, long bytes) {
        ClientSession.ok(session.call(new MemoryCalls.Memset(index, ptr, value & 0xff, bytes, 0)));
    }

    @Override public void memsetAsync(long ptr, int value, long bytes, Stream s) {
        session.post(new MemoryCalls.Memset(index, ptr, value & 0xff, bytes, stream(s)), 0);
    }

    // ---- host to device -------------------------------------------------------------------------

    @Override public void copyToDevice(long dst, MemorySegment src, long bytes) {
        toDevice(dst, src, bytes, 0, false);
        session.throwPending();
    }

    @Override public void copyToDeviceAsync(long dst, MemorySegment src, long bytes, Stream s) {
        toDevice(dst, src, bytes, stream(s), true);
    }

    private void toDevice(long dst, MemorySegment src, long bytes, long stream, boolean async) {
        if (bytes < 0 || bytes > src.byteSize()) throw new GpuException(CudaError.INVALID_VALUE, "copy of " + bytes + " bytes from a " + src.byteSize() + "-byte buffer");
        synchronized (session) {
            RegionAllocator region = session.channel().allocator();
            if (region != null && region.contains(src, bytes)) {
                // zero copy: the device reads the region; the server enqueues and acknowledges
                ClientSession.ok(session.call(new MemoryCalls.CopyHtoDRegion(index, dst, region.offset(src), bytes, stream)));
            } else if (region != null) {
                staged(dst, src, bytes, stream, region);
            } else {
                inline(dst, src, bytes, stream, async);
            }
        }
    }

    /** Through a piece of the region, one piece at a time. */
    private void staged(long dst, MemorySegment src, long bytes, long stream, RegionAllocator region) {
        MemorySegment stage = region.alloc(Math.min(STAGING, Math.max(1, bytes)));
        if (stage == null) {
            inline(dst, src, bytes, stream, false);
            return;
        }
        try {
            for (long off = 0; off < bytes || off == 0; ) {
                long n = Math.min(stage.byteSize(), bytes - off);
                MemorySegment.copy(src, off, stage, 0, n);
                ClientSession.ok(session.call(new MemoryCalls.CopyHtoDRegion(index, dst + off, region.offset(stage), n, stream)));
                off += n;
                if (n == 0) break;
            }
        } finally {
            region.release(stage);
        }
    }

    /** In frames: every chunk but the last without waiting; an asynchronous copy keeps its own copy of the data. */
    private void inline(long dst, MemorySegment src, long bytes, long stream, boolean async) {
        int chunk = (int) Math.min(session.options().chunkBytes(), session.maxPayload() - 64);
        long off = 0;
        do {
            long n = Math.min(chunk, bytes - off);
            boolean last = off + n >= bytes;
            ByteBuffer data = src.asSlice(off, n).asByteBuffer();
            if (async) {
                ByteBuffer own = ByteBuffer.allocate((int) n).put(data).flip();
                session.post(new MemoryCalls.CopyHtoD(index, dst + off, stream, own), n);
            } else if (!last) {
                session.post(new MemoryCalls.CopyHtoD(index, dst + off, stream, data), 0);
            } else {
                ClientSession.ok(session.call(new MemoryCalls.CopyHtoD(index, dst + off, stream, data)));
            }
            off += n;
        } while (off < bytes);
    }

    // ---- device to host -------------------------------------------------------------------------

    @Override public void copyFromDevice(MemorySegment dst, long src, long bytes) {
        if (bytes < 0 || bytes > dst.byteSize()) throw new GpuException(CudaError.INVALID_VALUE, "copy of " + bytes + " bytes into a " + dst.byteSize() + "-byte buffer");
        synchronized (session) {
            RegionAllocator region = session.channel().allocator();
            if (region != null && region.contains(dst, bytes)) {
                ClientSession.ok(session.call(new MemoryCalls.CopyDtoHRegion(index, src, region.offset(dst), bytes, 0)));
            } else if (region != null) {
                MemorySegment stage = region.alloc(Math.min(STAGING, Math.max(1, bytes)));
                if (stage == null) {
                    chunked(dst, src, bytes);
                } else {
                    try {
                        for (long off = 0; off < bytes; ) {
                            long n = Math.min(stage.byteSize(), bytes - off);
                            ClientSession.ok(session.call(new MemoryCalls.CopyDtoHRegion(index, src + off, region.offset(stage), n, 0)));
                            MemorySegment.copy(stage, 0, dst, off, n);
                            off += n;
                        }
                    } finally {
                        region.release(stage);
                    }
                }
            } else {
                chunked(dst, src, bytes);
            }
        }
        session.throwPending();
    }

    /** COPY_DTOH: the data comes back in frames of the server's chunk size. */
    private void chunked(MemorySegment dst, long src, long bytes) {
        Reply last = session.callWith(new MemoryCalls.CopyDtoH(index, src, bytes, 0), r -> place(dst, bytes, r));
        place(dst, bytes, ClientSession.ok(last));
    }

    private static void place(MemorySegment dst, long bytes, Reply r) {
        MemoryCalls.DataChunk c = (MemoryCalls.DataChunk) ClientSession.ok(r).result();
        long n = c.data().remaining();
        if (c.offset() < 0 || n > bytes - c.offset())
            throw new GpuException(CudaError.UNKNOWN, "the server sent bytes [" + c.offset() + ", +" + n + ") of a " + bytes + "-byte copy");
        MemorySegment.copy(MemorySegment.ofBuffer(c.data()), 0, dst, c.offset(), n);
    }

    @Override public void copyOnDevice(long dst, long src, long bytes) {
        ClientSession.ok(session.call(new MemoryCalls.CopyDtoD(index, dst, src, bytes, 0)));
    }

    @Override public void copyOnDeviceAsync(long dst, long src, long bytes, Stream s) {
        session.post(new MemoryCalls.CopyDtoD(index, dst, src, bytes, stream(s)), 0);
    }

    // ---- modules and launches -------------------------------------------------------------------

    /** Loads a module; an image too large for a frame goes through the shared region (INDIRECT). */
    @Override public Module loadModule(byte[] image) {
        ModuleCalls.ModuleLoad req = new ModuleCalls.ModuleLoad(index, ByteBuffer.wrap(image));
        if (image.length + 2 <= session.maxPayload()) return new ModuleHandle(handle(session.call(req)));
        synchronized (session) {
            for (int attempt = 0; attempt < 2; attempt++) {
                Reply r = session.callIndirect(req);
                if (r != null) return new ModuleHandle(handle(r));
                if (session.channel().allocator() == null) break;
            }
        }
        throw new GpuException(CudaError.INVALID_VALUE, "a module image of " + image.length
                + " bytes exceeds the connection's frame limit of " + session.maxPayload() + " bytes"
                + " and does not fit in a shared region");
    }

    @Override public void launch(Kernel kernel, Dim3 grid, Dim3 block, int sharedBytes, Stream s, KernelArgs args) {
        KernelHandle k = (KernelHandle) kernel;
        ByteBuffer packed = args.packed();
        session.post(new ExecCalls.Launch(index, k.handle, new ExecCalls.Dim(grid.x(), grid.y(), grid.z()),
                new ExecCalls.Dim(block.x(), block.y(), block.z()), sharedBytes, stream(s), packed), packed.remaining());
    }

    @Override public int occupancy(Kernel kernel, int blockSize, long dynamicSharedBytes) {
        Reply r = session.call(new ModuleCalls.Occupancy(index, ((KernelHandle) kernel).handle, blockSize, dynamicSharedBytes));
        return ((Results.Count) ClientSession.ok(r).result()).value();
    }

    @Override public Stream createStream(boolean nonBlocking, int priority) {
        return new StreamHandle(handle(session.call(new StreamCalls.StreamCreate(index, nonBlocking, priority))));
    }

    @Override public Event createEvent(boolean timing) {
        return new EventHandle(handle(session.call(new EventCalls.EventCreate(index, !timing, false))));
    }

    @Override public void synchronize() {
        ClientSession.ok(session.call(new DeviceCalls.DeviceSync(index)));
        session.throwPending();
    }

    // ---- handles ----------------------------------------------------------------------------------

    final class ModuleHandle implements Module {
        final long handle;
        private final ConcurrentHashMap<String, KernelHandle> kernels = new ConcurrentHashMap<>();

        ModuleHandle(long handle) { this.handle = handle; }

        @Override public Kernel kernel(String name) {
            return kernels.computeIfAbsent(name, n -> {
                ModuleCalls.FunctionInfo f = (ModuleCalls.FunctionInfo) ClientSession.ok(
                        session.call(new ModuleCalls.FunctionGet(index, handle, n))).result();
                return new KernelHandle(n, f);
            });
        }

        @Override public Global global(String name) {
            ModuleCalls.SymbolInfo s = (ModuleCalls.SymbolInfo) ClientSession.ok(
                    session.call(new ModuleCalls.GlobalGet(index, handle, name))).result();
            return new Global(s.address(), s.size());
        }

        @Override public void unload() { session.post(new ModuleCalls.ModuleUnload(index, handle), 0); }
    }

    static final class KernelHandle implements Kernel {
        final long handle;
        private final String name;
        private final ModuleCalls.FunctionInfo info;

        KernelHandle(String name, ModuleCalls.FunctionInfo info) {
            this.name = name;
            this.info = info;
            this.handle = info.handle();
        }

        @Override public String name() { return name; }

        @Override public List<Integer> parameterSizes() { return info.params().stream().map(ModuleCalls.Param::size).toList(); }

        @Override public KernelArgs args() {
            List<int[]> ps = new ArrayList<>();
            for (ModuleCalls.Param p : info.params()) ps.add(new int[] {p.offset(), p.size()});
            return new KernelArgs(ps, info.argumentBytes());
        }
    }

    final class StreamHandle implements Stream {
        final long handle;

        StreamHandle(long handle) { this.handle = handle; }

        @Override public void synchronize() {
            ClientSession.ok(session.call(new StreamCalls.StreamSync(index, handle)));
            session.throwPending();
        }

        @Override public boolean idle() {
            Reply r = session.call(new StreamCalls.StreamQuery(index, handle));
            if (r.status() == CudaError.NOT_READY.code()) return false;
            ClientSession.ok(r);
            return true;
        }

        @Override public void waitFor(Event e) {
            session.post(new StreamCalls.StreamWaitEvent(index, handle, ((EventHandle) e).handle), 0);
        }

        @Override public void destroy() { session.post(new StreamCalls.StreamDestroy(index, handle), 0); }
    }

    final class EventHandle implements Event {
        final long handle;

        EventHandle(long handle) { this.handle = handle; }

        @Override public void record(Stream s) { session.post(new EventCalls.EventRecord(index, handle, stream(s)), 0); }

        @Override public void synchronize() {
            ClientSession.ok(session.call(new EventCalls.EventSync(index, handle)));
            session.throwPending();
        }

        @Override public boolean complete() {
            Reply r = session.call(new EventCalls.EventQuery(index, handle));
            if (r.status() == CudaError.NOT_READY.code()) return false;
            ClientSession.ok(r);
            return true;
        }

        @Override public float elapsedSince(Event start) {
            Reply r = session.call(new EventCalls.EventElapsed(index, ((EventHandle) start).handle, handle));
            return ((EventCalls.Elapsed) ClientSession.ok(r).result()).millis();
        }

        @Override public void destroy() { session.post(new EventCalls.EventDestroy(index, handle), 0); }
    }
}
