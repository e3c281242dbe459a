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
import io.orion.protocol.Request;
import io.orion.protocol.Results;
import io.orion.protocol.StreamCalls;

/**
 * One vGPU of a session. Copies take the shortest way the connection offers: on shared memory,
 * data already in the region is copied by the device straight from it (zero copy), other data is
 * staged through the region; over TCP data travels in chunks, all but the last sent without waiting.
 * A copy through the region that a resume interrupts goes on along the new connection's way.
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

    /**
     * What the copy steps below return once the copy is complete. Otherwise they return the offset
     * it was done up to when a resume moved the session to another connection, and the rest goes
     * along the new connection's way (its own region, or frames): the region the interrupted
     * request named is not that connection's.
     */
    private static final long DONE = -1;

    /**
     * A call naming region bytes; false when a resume moved the session to another connection before
     * it was done. A copy into the device that the server did before the move is done (true).
     */
    private boolean viaRegion(Request r) {
        Reply reply = session.callRegion(r);
        if (reply == null) return false;
        ClientSession.ok(reply);
        return true;
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
            long from = 0;
            do from = toDeviceFrom(from, dst, src, bytes, stream, async); while (from != DONE);
        }
    }

    /** Bytes [from, bytes) of the copy, on the path the connection offers now; DONE, or where a move interrupted it. */
    private long toDeviceFrom(long from, long dst, MemorySegment src, long bytes, long stream, boolean async) {
        RegionAllocator region = session.channel().allocator();
        long n = bytes - from;
        MemorySegment rest = src.asSlice(from, n);
        if (region != null && region.contains(rest, n)) {
            // zero copy: the device reads the region; the server enqueues and acknowledges
            return viaRegion(new MemoryCalls.CopyHtoDRegion(index, dst + from, region.offset(rest), n, stream)) ? DONE : from;
        }
        if (region != null && !async) return staged(from, dst, src, bytes, region);
        // queued copies of pageable memory travel in frames: the server owns the bytes once sent,
        // where a staging piece would be refilled while the device may still be reading it
        inline(dst + from, rest, n, stream, async);
        return DONE;
    }

    /** Through a piece of the region, one piece at a time, on the default stream: each is done when its reply comes. */
    private long staged(long from, long dst, MemorySegment src, long bytes, RegionAllocator region) {
        MemorySegment stage = region.alloc(Math.min(STAGING, Math.max(1, bytes - from)));
        if (stage == null) {
            inline(dst + from, src.asSlice(from), bytes - from, 0, false);
            return DONE;
        }
        try {
            for (long off = from; ; ) {
                long n = Math.min(stage.byteSize(), bytes - off);
                MemorySegment.copy(src, off, stage, 0, n);
                if (!viaRegion(new MemoryCalls.CopyHtoDRegion(index, dst + off, region.offset(stage), n, 0))) return off;
                off += n;
                if (off >= bytes) return DONE;
                // the server did this piece, but a resume may have moved the session on: the rest goes the new connection's way
                if (session.channel().allocator() != region) return off;
            }
        } finally {
            region.release(stage);
        }
    }

    /** In frames: every chunk but the last without waiting; an asynchronous copy keeps its own copy of the data. */
    private void inline(long dst, MemorySegment src, long bytes, long stream, boolean async) {
        long off = 0;
        do {
            // sized for the connection the session has now: a resume may have moved it to one with smaller frames
            int chunk = (int) Math.min(session.options().chunkBytes(), session.maxPayload() - 64);
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
            long from = 0;
            do from = fromDeviceFrom(from, dst, src, bytes); while (from != DONE);
        }
        session.throwPending();
    }

    /** Bytes [from, bytes) of the copy, on the path the connection offers now; DONE, or where a move interrupted it. */
    private long fromDeviceFrom(long from, MemorySegment dst, long src, long bytes) {
        RegionAllocator region = session.channel().allocator();
        long n = bytes - from;
        MemorySegment rest = dst.asSlice(from, n);
        if (region != null && region.contains(rest, n))
            return viaRegion(new MemoryCalls.CopyDtoHRegion(index, src + from, region.offset(rest), n, 0)) ? DONE : from;
        MemorySegment stage = region == null ? null : region.alloc(Math.min(STAGING, Math.max(1, n)));
        if (stage == null) {
            chunked(rest, src + from, n);
            return DONE;
        }
        try {
            // any move gives false here: the device's bytes may be in the old region only
            for (long off = from; off < bytes; ) {
                long k = Math.min(stage.byteSize(), bytes - off);
                if (!viaRegion(new MemoryCalls.CopyDtoHRegion(index, src + off, region.offset(stage), k, 0))) return off;
                MemorySegment.copy(stage, 0, dst, off, k);
                off += k;
            }
            return DONE;
        } finally {
            region.release(stage);
        }
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

    /**
     * Loads a module; an image too large for a frame goes through the shared region (INDIRECT). A
     * resume may move the session between connections with and without a region and with other
     * frame limits: each try takes the way the connection has now.
     */
    @Override public Module loadModule(byte[] image) {
        ModuleCalls.ModuleLoad req = new ModuleCalls.ModuleLoad(index, ByteBuffer.wrap(image));
        synchronized (session) {
            while (true) {
                // null: too large for a frame of this connection, or of the one a resume moved to before it was sent
                Reply r = session.callIfFits(req);
                if (r != null) return new ModuleHandle(handle(r));
                // null: no region or no room on the connection the session has now
                r = session.callIndirect(req);
                if (r != null) return new ModuleHandle(handle(r));
                if (image.length + 2 > session.maxPayload()) break; // a frame of it would not hold the image either
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
