package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.backend.MemoryInfo;

/** Device memory, copies of every direction, host kind and size, memset, pinned and registered memory. */
final class MemoryChecks {
    private MemoryChecks() {}

    private static final int[] SIZES = {1, 7, 4096, 65_537, 1 << 20, (8 << 20) + 3, 64 << 20};

    static void all(SuiteRunner r, Fixture f) {
        r.check("memory: alloc and free show in memInfo", () -> {
            try (GpuContext ctx = f.open()) {
                long size = 1L << 30;
                MemoryInfo before = ctx.memInfo();
                Expect.equal(f.device.totalMemoryBytes(), before.totalBytes(), "memInfo total");
                long p = ctx.memAlloc(size);
                long used = before.freeBytes() - ctx.memInfo().freeBytes();
                Expect.that(used >= size * 9 / 10, "1 GiB allocated but free memory dropped by " + used);
                ctx.memFree(p);
                long back = ctx.memInfo().freeBytes() - (before.freeBytes() - used);
                Expect.that(back >= size * 9 / 10, "freed 1 GiB but free memory rose by " + back);
            }
        });
        r.check("memory: synchronous copies, 1 B to 64 MiB, heap / pageable / pinned, at offsets", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                int max = SIZES[SIZES.length - 1];
                long dev = ctx.memAlloc(max + 4096L);
                MemorySegment pageable = arena.allocate(max);
                try (HostMemory pinned = ctx.allocHost(max)) {
                    for (int n : SIZES) {
                        byte[] data = f.bytes(n);
                        long at = dev + f.random.nextInt(4096);
                        for (MemorySegment src : new MemorySegment[] {MemorySegment.ofArray(data), pageable, pinned.segment()}) {
                            if (src.isNative()) MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, n);
                            ctx.memsetD8(dev, 0, max + 4096L, null);
                            ctx.copyHtoD(at, src, n, null);
                            for (MemorySegment dst : new MemorySegment[] {MemorySegment.ofArray(new byte[n]), pageable, pinned.segment()}) {
                                dst.asSlice(0, n).fill((byte) 0x5a);
                                ctx.copyDtoH(dst, at, n, null);
                                Expect.equal(data, dst.asSlice(0, n).toArray(JAVA_BYTE), n + " bytes " + kind(src) + " -> " + kind(dst));
                            }
                        }
                    }
                }
            }
        });
        r.check("memory: asynchronous copies on a stream; a staged source is reusable at once", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofConfined()) {
                int n = (20 << 20) + 11; // several 8 MiB staging buffers
                byte[] data = f.bytes(n);
                long dev = ctx.memAlloc(n);
                GpuStream s = ctx.createStream(true, 0);
                MemorySegment pageable = arena.allocate(n);
                try (HostMemory pinned = ctx.allocHost(n)) {
                    MemorySegment heap = MemorySegment.ofArray(data.clone());
                    MemorySegment.copy(data, 0, pageable, JAVA_BYTE, 0, n);
                    MemorySegment.copy(data, 0, pinned.segment(), JAVA_BYTE, 0, n);
                    for (MemorySegment src : new MemorySegment[] {heap, pageable, pinned.segment()}) {
                        ctx.memsetD8(dev, 0, n, s);
                        ctx.copyHtoD(dev, src, n, s);
                        if (src != pinned.segment()) src.fill((byte) 1); // staged: the caller may reuse it now
                        byte[] back = new byte[n];
                        ctx.copyDtoH(MemorySegment.ofArray(back), dev, n, s);
                        Expect.equal(data, back, "async from " + kind(src) + " back to the heap");
                        pinned.segment().fill((byte) 0);
                        ctx.copyDtoH(pinned.segment(), dev, n, s);
                        ctx.synchronize(s);
                        Expect.equal(data, pinned.segment().asSlice(0, n).toArray(JAVA_BYTE), "async from " + kind(src) + " to pinned");
                        if (src != pinned.segment()) MemorySegment.copy(data, 0, src, JAVA_BYTE, 0, n);
                    }
                }
            }
        });
        r.check("memory: device-to-device copies and memset, default stream and a stream", () -> {
            try (GpuContext ctx = f.open()) {
                int n = (3 << 20) + 5;
                byte[] data = f.bytes(n);
                long a = ctx.memAlloc(n), b = ctx.memAlloc(n);
                ctx.copyHtoD(a, MemorySegment.ofArray(data), n, null);
                ctx.copyDtoD(b, a, n, null);
                int from = f.random.nextInt(n / 2), len = f.random.nextInt(n / 2);
                int value = f.random.nextInt(256);
                ctx.memsetD8(b + from, value, len, null);
                byte[] expect = data.clone();
                Arrays.fill(expect, from, from + len, (byte) value);
                byte[] got = new byte[n];
                ctx.copyDtoH(MemorySegment.ofArray(got), b, n, null);
                Expect.equal(expect, got, "memset over a device copy");
                GpuStream s = ctx.createStream(false, 0);
                ctx.copyDtoD(a, b, n, s);
                ctx.memsetD8(a, 0xab, 10, s);
                ctx.synchronize(s);
                Arrays.fill(expect, 0, 10, (byte) 0xab);
                ctx.copyDtoH(MemorySegment.ofArray(got), a, n, null);
                Expect.equal(expect, got, "on a stream");
            }
        });
        r.check("memory: a registered host region (the shared-memory transport's path)", () -> {
            try (GpuContext ctx = f.open(); Arena arena = Arena.ofShared()) {
                int n = 16 << 20;
                MemorySegment region = arena.allocate(n, 4096);
                byte[] data = f.bytes(n);
                MemorySegment.copy(data, 0, region, JAVA_BYTE, 0, n);
                long dev = ctx.memAlloc(n);
                GpuStream s = ctx.createStream(true, 0);
                try (HostMemory reg = ctx.registerHost(region)) {
                    Expect.error(CudaError.HOST_MEMORY_ALREADY_REGISTERED.code(), () -> ctx.registerHost(region), "registering twice");
                    ctx.copyHtoD(dev, reg.segment(), n, s);
                    ctx.synchronize(s);
                    region.fill((byte) 0);
                    ctx.copyDtoH(reg.segment(), dev, n, s);
                    ctx.synchronize(s);
                    Expect.equal(data, region.toArray(JAVA_BYTE), "round trip through the registered region");
                }
                ctx.registerHost(region).close(); // unregistered: it can be registered again
            }
        });
        r.check("memory: 256 MiB from and to the Java heap through the staging buffers", () -> {
            try (GpuContext ctx = f.open()) {
                int n = 256 << 20;
                byte[] data = f.bytes(n);
                long dev = ctx.memAlloc(n);
                ctx.copyHtoD(dev, MemorySegment.ofArray(data), n, null);
                byte[] back = new byte[n];
                ctx.copyDtoH(MemorySegment.ofArray(back), dev, n, null);
                Expect.equal(data, back, "256 MiB heap round trip");
            }
        });
        r.check("memory: closing a context gives its device memory back", () -> {
            try (GpuContext probe = f.open()) {
                long free = probe.memInfo().freeBytes();
                GpuContext ctx = f.open();
                ctx.memAlloc(2L << 30);
                ctx.allocHost(1 << 20);
                Expect.that(probe.memInfo().freeBytes() < free - (1L << 30), "2 GiB allocated in another context");
                ctx.close();
                long back = probe.memInfo().freeBytes();
                Expect.that(back > free - (64L << 20), "after close, free memory is " + (free - back) / 1024 + " KiB short");
            }
        });
    }

    static String kind(MemorySegment s) {
        return s.isNative() ? "native" : "heap";
    }
}
