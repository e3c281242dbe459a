package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;
import io.orion.api.backend.MemoryInfo;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** Device memory, copies in every direction and host kind, pinned and registered host memory. */
class MemoryTest {
    private FakeDriver fake;
    private CudaBackend backend;
    private GpuContext ctx;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        fake = FakeDriver.require();
        backend = TestBackends.fake(); // staging buffers of 64 KiB, at most 2 per context
        ctx = backend.openContext(TestBackends.first(backend).uuid());
    }

    @AfterEach
    void close() {
        if (backend != null) backend.close();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void allocationsAreAccountedAndFreedOnce() {
        MemoryInfo before = ctx.memInfo();
        long p = ctx.memAlloc(1 << 20);
        assertEquals(before.freeBytes() - (1 << 20), ctx.memInfo().freeBytes());
        assertEquals(16L << 30, ctx.memInfo().totalBytes());
        ctx.memFree(p);
        assertEquals(before.freeBytes(), ctx.memInfo().freeBytes());

        GpuException twice = assertThrows(GpuException.class, () -> ctx.memFree(p));
        assertEquals(CudaError.INVALID_VALUE.code(), twice.code());
        assertTrue(twice.getMessage().contains("0x" + Long.toHexString(p)), twice.getMessage());
    }

    @Test
    void badSizesAndOutOfMemoryAreCudasErrors() {
        assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class, () -> ctx.memAlloc(0)).code());
        GpuException oom = assertThrows(GpuException.class, () -> ctx.memAlloc(1L << 40));
        assertEquals(CudaError.OUT_OF_MEMORY.code(), oom.code());
        assertTrue(oom.getMessage().startsWith("CUDA_ERROR_OUT_OF_MEMORY: cuMemAlloc(1099511627776 bytes) in context #"),
                oom.getMessage());
        assertTrue(oom.getMessage().endsWith(": out of memory"), oom.getMessage());
    }

    @Test
    void useAfterFreeIsRefusedBeforeTheDriverSeesIt() {
        long p = ctx.memAlloc(4096);
        ctx.memFree(p);
        long copiesBefore = fake.count("cuMemcpyHtoD");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = a.allocate(4096);
            GpuException e = assertThrows(GpuException.class, () -> ctx.copyHtoD(p, src, 4096, null));
            assertEquals(CudaError.INVALID_VALUE.code(), e.code());
            assertTrue(e.getMessage().contains("is not inside memory of this context"), e.getMessage());
        }
        assertThrows(GpuException.class, () -> ctx.memsetD8(p, 0, 1, null));
        assertEquals(copiesBefore, fake.count("cuMemcpyHtoD"));
    }

    @Test
    void copiesOutOfBoundsAreRefused() {
        long p = ctx.memAlloc(100);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(200);
            assertThrows(GpuException.class, () -> ctx.copyHtoD(p, host, 101, null));
            assertThrows(GpuException.class, () -> ctx.copyHtoD(p + 50, host, 51, null));
            assertThrows(GpuException.class, () -> ctx.copyDtoH(a.allocate(10), p, 20, null), "host side too small");
            assertThrows(GpuException.class, () -> ctx.copyHtoD(p, host, -1, null));
            ctx.copyHtoD(p + 50, host, 50, null); // the last byte is fine
        }
    }

    @Test
    void everyHostKindRoundTripsSynchronously() {
        int n = 300_000; // several staging buffers of 64 KiB
        byte[] data = randomBytes(n);
        long p = ctx.memAlloc(n);
        try (Arena a = Arena.ofConfined(); HostMemory pinned = ctx.allocHost(n)) {
            MemorySegment heap = MemorySegment.ofArray(data.clone());
            MemorySegment pageable = a.allocate(n);
            MemorySegment.copy(data, 0, pageable, JAVA_BYTE, 0, n);
            MemorySegment.copy(data, 0, pinned.segment(), JAVA_BYTE, 0, n);
            for (MemorySegment src : new MemorySegment[] {heap, pageable, pinned.segment()}) {
                ctx.memsetD8(p, 0, n, null);
                ctx.copyHtoD(p, src, n, null);
                for (MemorySegment dst : new MemorySegment[] {MemorySegment.ofArray(new byte[n]), a.allocate(n),
                                                              pinned.segment()}) {
                    dst.fill((byte) 0);
                    ctx.copyDtoH(dst, p, n, null);
                    assertArrayEquals(data, dst.toArray(JAVA_BYTE), () -> "from " + kind(src) + " to " + kind(dst));
                }
            }
        }
    }

    @Test
    void asynchronousCopiesNeverHandPageableMemoryToTheDriver() {
        int n = 200_000;
        byte[] data = randomBytes(n);
        long p = ctx.memAlloc(n);
        GpuStream s = ctx.createStream(true, 0);
        long pageableBefore = fake.count("async_from_pageable");
        long direct = fake.count("cuMemcpyHtoDAsync");
        try (Arena a = Arena.ofConfined(); HostMemory pinned = ctx.allocHost(n)) {
            MemorySegment heap = MemorySegment.ofArray(data.clone());
            MemorySegment pageable = a.allocate(n);
            MemorySegment.copy(data, 0, pageable, JAVA_BYTE, 0, n);
            MemorySegment.copy(data, 0, pinned.segment(), JAVA_BYTE, 0, n);

            ctx.copyHtoD(p, heap, n, s);
            heap.fill((byte) 1); // the caller may reuse the source at once: it was staged
            check(p, data, s);
            ctx.copyHtoD(p, pageable, n, s);
            pageable.fill((byte) 2);
            check(p, data, s);
            long beforePinned = fake.count("cuMemcpyHtoDAsync");
            ctx.copyHtoD(p, pinned.segment(), n, s);
            assertEquals(beforePinned + 1, fake.count("cuMemcpyHtoDAsync"), "pinned memory goes to the driver in one call");
            check(p, data, s);
        }
        assertEquals(pageableBefore, fake.count("async_from_pageable"));
        assertTrue(fake.count("cuMemcpyHtoDAsync") - direct >= 2 * 4 + 1, "staged in 64 KiB chunks");
    }

    private void check(long p, byte[] expect, GpuStream s) {
        byte[] got = new byte[expect.length];
        ctx.copyDtoH(MemorySegment.ofArray(got), p, expect.length, s);
        assertArrayEquals(expect, got);
    }

    @Test
    void memsetAndDeviceToDevice() {
        int n = 10_000;
        long a = ctx.memAlloc(n), b = ctx.memAlloc(n);
        byte[] data = randomBytes(n);
        ctx.copyHtoD(a, MemorySegment.ofArray(data), n, null);
        ctx.copyDtoD(b, a, n, null);
        ctx.memsetD8(b + 100, 0x1ff, 50, null); // only the low byte counts
        byte[] expect = data.clone();
        java.util.Arrays.fill(expect, 100, 150, (byte) 0xff);
        byte[] got = new byte[n];
        ctx.copyDtoH(MemorySegment.ofArray(got), b, n, null);
        assertArrayEquals(expect, got);

        GpuStream s = ctx.createStream(false, 0);
        ctx.copyDtoD(a, b, n, s);
        ctx.memsetD8(a, 7, 1, s);
        ctx.synchronize(s);
        ctx.copyDtoH(MemorySegment.ofArray(got), a, n, null);
        expect[0] = 7;
        assertArrayEquals(expect, got);
    }

    @Test
    void pinnedHostMemoryIsUnusableAfterItIsFreed() {
        HostMemory h = ctx.allocHost(4096);
        MemorySegment seg = h.segment();
        seg.set(JAVA_BYTE, 0, (byte) 5);
        h.close();
        h.close(); // once only
        assertThrows(IllegalStateException.class, () -> seg.get(JAVA_BYTE, 0));
    }

    @Test
    void registeredMemoryIsCopiedDirectlyAndUnregisteredOnce() {
        int n = 8192;
        byte[] data = randomBytes(n);
        long p = ctx.memAlloc(n);
        GpuStream s = ctx.createStream(true, 0);
        try (Arena a = Arena.ofShared()) {
            MemorySegment region = a.allocate(n);
            MemorySegment.copy(data, 0, region, JAVA_BYTE, 0, n);
            HostMemory reg = ctx.registerHost(region);
            assertEquals(region, reg.segment());
            GpuException again = assertThrows(GpuException.class, () -> ctx.registerHost(region));
            assertEquals(CudaError.HOST_MEMORY_ALREADY_REGISTERED.code(), again.code());
            long pageable = fake.count("async_from_pageable");
            long staged = fake.count("cuMemcpyHtoDAsync");
            ctx.copyHtoD(p, region, n, s);
            assertEquals(staged + 1, fake.count("cuMemcpyHtoDAsync"));
            assertEquals(pageable, fake.count("async_from_pageable"));
            check(p, data, s);
            reg.close();
            reg.close();
            long afterClose = fake.count("async_from_pageable");
            ctx.copyHtoD(p, region, n, s); // no longer pinned, though the last copy found it pinned: staged
            assertEquals(afterClose, fake.count("async_from_pageable"), "an unregistered region is never handed over as pinned");
            check(p, data, s);
            ctx.registerHost(region).close(); // can be registered again
        }
        assertThrows(GpuException.class, () -> ctx.registerHost(MemorySegment.ofArray(new byte[10])));
    }

    @Test
    void closingTheContextFreesEverythingAndRefusesLaterCalls() {
        int live = fake.liveContexts();
        long used = fake.usedMemory(0);
        ctx.memAlloc(1 << 20);
        HostMemory h = ctx.allocHost(1024);
        ctx.copyHtoD(ctx.memAlloc(1000), MemorySegment.ofArray(new byte[1000]), 1000, ctx.createStream(false, 0)); // makes staging buffers
        ctx.close();
        ctx.close();
        assertEquals(live - 1, fake.liveContexts());
        assertEquals(used, fake.usedMemory(0));
        assertThrows(IllegalStateException.class, () -> h.segment().get(JAVA_BYTE, 0));
        h.close(); // harmless after the context went
        GpuException e = assertThrows(GpuException.class, () -> ctx.memAlloc(1));
        assertEquals(CudaError.INVALID_CONTEXT.code(), e.code());
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    private static String kind(MemorySegment s) {
        return s.isNative() ? "native " + s.address() : "heap";
    }
}
