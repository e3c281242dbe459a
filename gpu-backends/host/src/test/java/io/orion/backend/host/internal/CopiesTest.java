package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Copies of every kind, synchronous and queued, from pageable, pinned, registered and confined memory. */
class CopiesTest {
    private TestDevice dev;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] read(long ptr, int n) {
        byte[] out = new byte[n];
        dev.ctx().copyDtoH(MemorySegment.ofArray(out), ptr, n, null);
        return out;
    }

    @Test
    void synchronousCopiesRoundTripAtAnyOffset() {
        byte[] data = randomBytes(10_000);
        long p = dev.ctx().memAlloc(20_000);
        dev.ctx().copyHtoD(p + 123, MemorySegment.ofArray(data), data.length, null);
        assertArrayEquals(data, Arrays.copyOfRange(read(p, 20_000), 123, 10_123));
        long q = dev.ctx().memAlloc(10_000);
        dev.ctx().copyDtoD(q, p + 123, 10_000, null);
        assertArrayEquals(data, read(q, 10_000));
        dev.ctx().copyDtoD(p + 1, p, 5000, null); // overlapping, as memmove
        byte[] shifted = read(p, 5001);
        assertEquals(0, shifted[0]);
        assertEquals(0, shifted[1]);
        dev.ctx().copyHtoD(p, MemorySegment.ofArray(data), 0, null); // nothing to do is fine
    }

    @Test
    void memsetSetsBytesSynchronouslyAndOnAStream() {
        long p = dev.ctx().memAlloc(4096);
        dev.ctx().memsetD8(p, 0x1ab, 4096, null);
        byte[] all = read(p, 4096);
        for (byte b : all) assertEquals((byte) 0xab, b);
        GpuStream s = dev.ctx().createStream(false, 0);
        dev.ctx().memsetD8(p + 100, 7, 10, s);
        dev.ctx().synchronize(s);
        byte[] after = read(p, 4096);
        assertEquals((byte) 0xab, after[99]);
        assertEquals(7, after[100]);
        assertEquals(7, after[109]);
        assertEquals((byte) 0xab, after[110]);
    }

    @Test
    void queuedCopiesFromPageableMemoryAreStagedAtOnce() {
        GpuStream s = dev.ctx().createStream(true, 0);
        byte[] data = randomBytes(1 << 16);
        byte[] original = data.clone();
        long p = dev.ctx().memAlloc(data.length);
        dev.ctx().copyHtoD(p, MemorySegment.ofArray(data), data.length, s);
        Arrays.fill(data, (byte) 0); // the caller may reuse its buffer as soon as the call returns
        dev.ctx().synchronize(s);
        assertArrayEquals(original, read(p, data.length));
    }

    @Test
    void pinnedAndRegisteredMemoryCopyDirectlyOnStreams() {
        GpuStream s = dev.ctx().createStream(false, 0);
        int n = 1 << 16;
        byte[] data = randomBytes(n);
        long p = dev.ctx().memAlloc(n);
        try (HostMemory pinned = dev.ctx().allocHost(n); Arena arena = Arena.ofShared()) {
            MemorySegment.copy(MemorySegment.ofArray(data), 0, pinned.segment(), 0, n);
            dev.ctx().copyHtoD(p, pinned.segment(), n, s);
            MemorySegment region = arena.allocate(n);
            try (HostMemory registered = dev.ctx().registerHost(region)) {
                dev.ctx().copyDtoH(registered.segment(), p, n, s);
                dev.ctx().synchronize(s);
                assertArrayEquals(data, region.toArray(ValueLayout.JAVA_BYTE));
                assertEquals(CudaError.HOST_MEMORY_ALREADY_REGISTERED,
                        assertThrows(GpuException.class, () -> dev.ctx().registerHost(region.asSlice(100, 10))).error());
            }
            dev.ctx().registerHost(region).close(); // registrable again once released
        }
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().registerHost(MemorySegment.ofArray(new byte[8]))).error());
    }

    @Test
    void queuedCopiesIntoThreadConfinedMemoryStillArrive() {
        GpuStream s = dev.ctx().createStream(false, 0);
        byte[] data = randomBytes(4096);
        long p = dev.ctx().memAlloc(4096);
        dev.ctx().copyHtoD(p, MemorySegment.ofArray(data), 4096, s);
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment dst = confined.allocate(4096);
            dev.ctx().copyDtoH(dst, p, 4096, s);
            dev.ctx().synchronize(s);
            assertArrayEquals(data, dst.toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
