package io.orion.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuStream;
import io.orion.protocol.MemoryCalls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device-to-host copies in chunks with two staging buffers: the bytes arrive exactly, whatever the
 * size and the stream, and the copy of chunk k+1 is already queued on a stream when chunk k is sent.
 */
class ChunkedCopyOutTest {
    private static final int CHUNK = 4096;
    private FakeBackend backend;
    private GpuContext real;
    /** Every copyDtoH the code under test made, in order: the stream it went to (null: synchronous). */
    private final List<GpuStream> copies = new ArrayList<>();
    private SessionDevice device;

    @BeforeEach
    void open() {
        backend = new FakeBackend(64 << 20);
        real = backend.openContext(FakeBackend.UUID);
        GpuContext recording = (GpuContext) Proxy.newProxyInstance(GpuContext.class.getClassLoader(), new Class<?>[] {GpuContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("copyDtoH")) copies.add((GpuStream) args[3]);
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        device = new SessionDevice(0, null, backend.devices().get(0), recording);
    }

    @AfterEach
    void close() {
        real.close();
    }

    private long deviceData(byte[] data) {
        long p = real.memAlloc(data.length);
        real.copyHtoD(p, MemorySegment.ofArray(data), data.length, null);
        device.allocations.add(p, data.length);
        return p;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Runs the copy; the chunks sent and the result, concatenated; checks each chunk's offset and the overlap. */
    private byte[] copyOut(long src, long bytes, long stream) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int[] sent = {0};
        MemoryCalls.DataChunk last = (MemoryCalls.DataChunk) ChunkedCopyOut.run(device, new MemoryCalls.CopyDtoH(0, src, bytes, stream), CHUNK,
                chunk -> {
                    assertEquals((long) sent[0] * CHUNK, chunk.offset(), "chunk " + sent[0] + " offset");
                    assertEquals(CHUNK, chunk.data().remaining(), "a leading chunk is full");
                    // double buffering: the next chunk's copy was queued before this one is sent
                    assertEquals(sent[0] + 2, copies.size(), "copies issued when chunk " + sent[0] + " is sent");
                    got.writeBytes(bytes(chunk.data()));
                    sent[0]++;
                });
        assertEquals((long) sent[0] * CHUNK, last.offset());
        got.writeBytes(bytes(last.data()));
        return got.toByteArray();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void everySizeArrivesExactlyOnTheDefaultStream() {
        for (int n : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 123, 64 * CHUNK + 7}) {
            byte[] data = random(Math.max(n, 1), n);
            long p = deviceData(data);
            copies.clear();
            assertArrayEquals(java.util.Arrays.copyOf(data, n), copyOut(p, n, 0), n + " bytes");
            int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
            assertEquals(n == 0 ? 0 : chunks, copies.size(), "one copy per chunk for " + n + " bytes");
            if (n > 0) assertNull(copies.get(0), "the first chunk is copied synchronously, as one copy on the default stream is");
            for (int k = 1; k < copies.size(); k++) assertNotNull(copies.get(k), "chunk " + k + " is queued on the copy stream");
        }
    }

    @Test
    void aNamedStreamCarriesEveryChunk() {
        GpuStream s = real.createStream(true, 0);
        long handle = device.streams.add(s);
        byte[] data = random(7 * CHUNK + 5, 42);
        long p = deviceData(data);
        assertArrayEquals(data, copyOut(p, data.length, handle));
        assertEquals(8, copies.size());
        for (GpuStream used : copies) assertEquals(s, used, "every chunk on the stream the call names");
    }

    @Test
    void aRangeOutsideTheSessionsAllocationsIsRefusedBeforeAnyCopy() {
        long p = deviceData(random(CHUNK, 1));
        assertThrows(io.orion.api.backend.GpuException.class, () -> copyOut(p, CHUNK + 1, 0));
        assertEquals(0, copies.size());
    }
}
