package io.orion.server.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.backend.KernelParam;
import io.orion.api.backend.MemoryInfo;

/**
 * A test double of a GPU backend for the server's unit tests: device memory is host memory at
 * addresses that every context reuses (so that isolation has to come from the server, not from
 * distinct addresses); work runs at once. Its module format is text, one kernel per line:
 * {@code fill} (u64 ptr, u32 value, u32 count: sets count u32s), {@code empty} (does nothing) and
 * {@code fault} (always fails with CUDA_ERROR_ILLEGAL_ADDRESS at the next synchronize, as an
 * asynchronous error does).
 */
public final class FakeBackend implements GpuBackend {
    public static final String UUID = "GPU-00000000-1111-2222-3333-444444444444";
    static final long BASE = 0x7000_0000_0000L;
    final long capacity;
    final Set<FakeContext> open = ConcurrentHashMap.newKeySet();
    final AtomicInteger registered = new AtomicInteger();

    public FakeBackend(long capacity) {
        this.capacity = capacity;
    }

    @Override public String name() { return "fake"; }

    @Override public List<GpuDevice> devices() {
        return List.of(new GpuDevice(0, UUID, "Fake GPU", capacity, 4, 9, 0, "", Map.of(1, 1024, 16, 4)));
    }

    @Override public String status() { return "ready"; }

    @Override public GpuContext openContext(String gpuUuid) {
        if (!UUID.equals(gpuUuid)) throw new GpuException(CudaError.INVALID_DEVICE, gpuUuid);
        FakeContext c = new FakeContext();
        open.add(c);
        return c;
    }

    /** Contexts open now. */
    public int openContexts() { return open.size(); }

    /** Regions registered now. */
    public int registeredRegions() { return registered.get(); }

    /** Bytes allocated in all open contexts. */
    public long allocated() {
        return open.stream().mapToLong(c -> c.used).sum();
    }

    record Fn(String name, List<KernelParam> params) implements GpuFunction {}

    record Mod(List<Fn> fns) implements GpuModule {}

    static final class Ev implements GpuEvent { long at; boolean recorded; }

    static final class St implements GpuStream {}

    final class FakeContext implements GpuContext {
        private final Arena arena = Arena.ofShared();
        private final TreeMap<Long, MemorySegment> blocks = new TreeMap<>();
        private long next = BASE;
        long used;
        private GpuException pending;
        boolean closed;

        @Override public GpuDevice device() { return devices().get(0); }

        @Override public synchronized long memAlloc(long bytes) {
            if (used + bytes > capacity) throw new GpuException(CudaError.OUT_OF_MEMORY);
            long p = next;
            next += (bytes + 255) & ~255L;
            blocks.put(p, arena.allocate(bytes, 256));
            used += bytes;
            return p;
        }

        @Override public synchronized void memFree(long ptr) {
            MemorySegment s = blocks.remove(ptr);
            if (s == null) throw new GpuException(CudaError.INVALID_VALUE, "not allocated: " + ptr);
            used -= s.byteSize();
        }

        /** The bytes behind a device range; an unknown range is what a real GPU would fault on. */
        synchronized MemorySegment at(long ptr, long bytes) {
            var e = blocks.floorEntry(ptr);
            if (e == null || ptr - e.getKey() + bytes > e.getValue().byteSize())
                throw new GpuException(CudaError.ILLEGAL_ADDRESS, "fake device fault at " + Long.toHexString(ptr));
            return e.getValue().asSlice(ptr - e.getKey(), bytes);
        }

        @Override public MemoryInfo memInfo() { return new MemoryInfo(capacity - used, capacity); }

        @Override public void memsetD8(long ptr, int value, long bytes, GpuStream s) { at(ptr, bytes).fill((byte) value); }

        @Override public void copyHtoD(long dst, MemorySegment src, long bytes, GpuStream s) {
            MemorySegment.copy(src, 0, at(dst, bytes), 0, bytes);
        }

        @Override public void copyDtoH(MemorySegment dst, long src, long bytes, GpuStream s) {
            MemorySegment.copy(at(src, bytes), 0, dst, 0, bytes);
        }

        @Override public void copyDtoD(long dst, long src, long bytes, GpuStream s) {
            MemorySegment.copy(at(src, bytes), 0, at(dst, bytes), 0, bytes);
        }

        @Override public HostMemory allocHost(long bytes) {
            MemorySegment m = arena.allocate(bytes, 4096);
            return new HostMemory() {
                @Override public MemorySegment segment() { return m; }
                @Override public void close() {}
            };
        }

        @Override public HostMemory registerHost(MemorySegment region) {
            registered.incrementAndGet();
            return new HostMemory() {
                @Override public MemorySegment segment() { return region; }
                @Override public void close() { registered.decrementAndGet(); }
            };
        }

        @Override public GpuModule loadModule(MemorySegment image) {
            String text = new String(image.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            List<Fn> fns = new ArrayList<>();
            for (String line : text.split("\n")) {
                switch (line.trim()) {
                    case "fill" -> fns.add(new Fn("fill", List.of(new KernelParam(0, 0, 8), new KernelParam(1, 8, 4), new KernelParam(2, 12, 4))));
                    case "fault" -> fns.add(new Fn("fault", List.of()));
                    case "empty" -> fns.add(new Fn("empty", List.of()));
                    case "" -> {}
                    default -> throw new GpuException(CudaError.INVALID_IMAGE, "unknown fake kernel '" + line + "'");
                }
            }
            return new Mod(fns);
        }

        @Override public void unloadModule(GpuModule module) {}

        @Override public GpuFunction function(GpuModule module, String name) {
            return ((Mod) module).fns().stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new GpuException(CudaError.NOT_FOUND, name));
        }

        @Override public DeviceSymbol global(GpuModule module, String name) {
            throw new GpuException(CudaError.NOT_FOUND, name);
        }

        @Override public FunctionAttributes attributes(GpuFunction f) { return new FunctionAttributes(1024, 0, 0, 0, 8, 90, 90, 0); }

        @Override public int maxActiveBlocksPerMultiprocessor(GpuFunction f, int block, long smem) { return 2048 / block; }

        @Override public void launch(GpuFunction function, Dim3 grid, Dim3 block, int smem, GpuStream s, MemorySegment args) {
            Fn f = (Fn) function;
            if (f.name().equals("empty")) return;
            if (f.name().equals("fault")) {
                synchronized (this) {
                    if (pending == null) pending = new GpuException(CudaError.ILLEGAL_ADDRESS, "fault kernel");
                }
                return;
            }
            long ptr = args.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            int value = args.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
            int count = args.get(ValueLayout.JAVA_INT_UNALIGNED, 12);
            at(ptr, 4L * count).elements(ValueLayout.JAVA_INT).forEach(e -> e.set(ValueLayout.JAVA_INT, 0, value));
        }

        @Override public GpuStream createStream(boolean nb, int prio) { return new St(); }

        @Override public void destroyStream(GpuStream s) {}

        @Override public void synchronize(GpuStream s) { synchronize(); }

        @Override public boolean isIdle(GpuStream s) { return true; }

        @Override public void waitEvent(GpuStream s, GpuEvent e) {}

        @Override public GpuEvent createEvent(boolean timing, boolean blocking) { return new Ev(); }

        @Override public void destroyEvent(GpuEvent e) {}

        @Override public void record(GpuEvent e, GpuStream s) {
            ((Ev) e).at = System.nanoTime();
            ((Ev) e).recorded = true;
        }

        @Override public void synchronize(GpuEvent e) {}

        @Override public boolean isComplete(GpuEvent e) { return ((Ev) e).recorded; }

        @Override public float elapsedMillis(GpuEvent a, GpuEvent b) { return (((Ev) b).at - ((Ev) a).at) / 1e6f; }

        @Override public synchronized void synchronize() {
            GpuException p = pending;
            pending = null;
            if (p != null) throw p;
        }

        @Override public synchronized void close() {
            closed = true;
            used = 0;
            blocks.clear();
            open.remove(this);
            arena.close();
        }
    }
}
