package io.orion.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuBackend;
import io.orion.api.server.SessionVgpu;
import io.orion.client.ClientOptions;
import io.orion.client.Kernel;
import io.orion.client.Stream;
import io.orion.client.Vgpu;
import io.orion.client.e2e.ServerFixture;
import io.orion.client.e2e.TestBackends;
import io.orion.protocol.Wire;
import io.orion.transport.tcp.internal.TcpSettings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests held in the replay log are sent again in frames the new connection carries. Over TCP a
 * pageable copy travels in frames of 1 MiB of data (the client's chunk), more than an shm
 * connection carries with the default rings (a quarter of the smaller ring: 256 KiB - 8, header
 * included); the other way, a TCP transport may be configured with smaller frames than shm's. A session loses its queued
 * frames in a dying connection ({@link CuttingChannel.Plan#loseQueued}), resumes over the other
 * transport, and every byte must arrive exactly once and in order, also when the connection breaks
 * again in the middle of the replay. A synchronous request cut before it went out is sent again in
 * frames of the new connection too: a copy's last frame cut in pieces, a module image through the
 * region.
 */
@Timeout(120)
class QueuedFrameResumeTest {
    /** Six frames of 1 MiB over TCP, the last one partial. */
    private static final long N = (5L << 20) + 4100;

    private static GpuBackend backend;
    private static ServerFixture fx;

    @BeforeAll
    static void start() throws IOException {
        backend = TestBackends.host(1, 1024);
        fx = new ServerFixture(backend, ServerFixture.testSettings().withDisconnectGrace(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() throws IOException {
        fx.close();
        TestBackends.close(backend);
    }

    /**
     * A session over {@code from} (the first endpoint) that moves to {@code to} when it is cut: once
     * the plan has cut, {@code from} is refused, as a transport that went away.
     */
    private static ClientSession open(ServerFixture f, CuttingChannel.Plan plan, String from, String to) {
        ClientOptions o = ClientOptions.of(f.endpoint(from), 256).withEndpoints(List.of(f.endpoint(from), f.endpoint(to)))
                .withResumeWindow(Duration.ofSeconds(5)).withClientName("queued-resume");
        ClientSession s = ClientSession.open(o, direct -> e -> {
            if (plan.cuts() > 0 && e.scheme().equals(from)) throw new IOException(from + " is gone in this test");
            return new CuttingChannel(direct.connect(e), plan);
        });
        assertEquals(from, s.transport());
        return s;
    }

    private static MemorySegment pattern(Arena a, long bytes, long seed) {
        MemorySegment m = a.allocate(bytes);
        for (long i = 0; i + 8 <= bytes; i += 8) m.set(ValueLayout.JAVA_LONG_UNALIGNED, i, (i + seed) * 0x9e3779b97f4a7c15L);
        for (long i = bytes / 8 * 8; i < bytes; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) (i ^ seed));
        return m;
    }

    private static void assertOnDevice(Vgpu d, long ptr, MemorySegment expected, Arena a, String what) {
        MemorySegment back = a.allocate(expected.byteSize());
        d.copyFromDevice(back, ptr, expected.byteSize());
        assertEquals(-1, back.mismatch(expected), what);
    }

    /** The server's counters of this session's vGPU. */
    private static SessionVgpu usage(ServerFixture f, ClientSession s) {
        return f.server.sessions().stream().filter(i -> i.id() == s.id()).findFirst().orElseThrow().vgpus().get(0);
    }

    /** The plan lost queued frames too large for the connection the session moved to, and cut as many times as asked. */
    private static void assertMovedWithFramesTooLarge(ClientSession s, CuttingChannel.Plan plan, String to, int cuts) {
        assertEquals(cuts, plan.cuts(), "cuts");
        assertEquals(1, s.resumes());
        assertEquals(to, s.transport());
        assertTrue(plan.lost() > 0, "queued frames were lost in the break");
        assertTrue(plan.largestLost() > s.maxPayload() + Wire.HEADER_SIZE, "a lost frame of " + plan.largestLost()
                + " bytes does not fit in a frame of the new connection (" + (s.maxPayload() + Wire.HEADER_SIZE) + " bytes)");
    }

    /**
     * Queued on a stream over TCP: a copy into p, p copied on the device to q, another copy into p.
     * All lost, then the stream's synchronize cuts; the session resumes over shm. q must hold the
     * first bytes and p the second (the replay kept the order), each byte copied once. With a cut
     * in the middle of the replay, the second resume goes on from what the server says it handled.
     */
    @ParameterizedTest(name = "cut again at replayed frame {0}")
    @ValueSource(ints = {0, 1, 4})
    void queuedCopiesLargerThanAnShmFrameAreReplayedOverShmExactlyOnceAndInOrder(int cutReplayAt) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(fx, plan, "tcp", "shm"); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            Stream st = d.createStream(true, 0);
            long p = d.malloc(N), q = d.malloc(N);
            MemorySegment first = pattern(a, N, 1), second = pattern(a, N, 2);
            SessionVgpu before = usage(fx, s);
            plan.loseQueued(cutReplayAt);
            d.copyToDeviceAsync(p, first, N, st);
            d.copyOnDeviceAsync(q, p, N, st);
            d.copyToDeviceAsync(p, second, N, st);
            first.fill((byte) 0); // the program may reuse its buffers at once
            second.fill((byte) 0);
            st.synchronize(); // cut here; resumes over shm and sends the lost frames again
            assertMovedWithFramesTooLarge(s, plan, "shm", cutReplayAt > 0 ? 2 : 1);
            SessionVgpu after = usage(fx, s);
            assertEquals(2 * N, after.bytesToDevice() - before.bytesToDevice(), "every byte was copied to the device once");
            assertEquals(N, after.bytesOnDevice() - before.bytesOnDevice(), "the device-to-device copy ran once");
            assertOnDevice(d, q, pattern(a, N, 1), a, "q holds the first copy: it ran before the second");
            assertOnDevice(d, p, pattern(a, N, 2), a, "p holds the second copy");
        }
    }

    /** A synchronous pageable copy over TCP: its leading frames are queued and lost, the cut falls at its last one. */
    @Test
    void aSynchronousCopyCutAtItsLastFrameGoesOnOverShm() {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(fx, plan, "tcp", "shm"); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            long p = d.malloc(N);
            MemorySegment src = pattern(a, N, 3);
            SessionVgpu before = usage(fx, s);
            plan.loseQueued(0);
            d.copyToDevice(p, src, N);
            assertMovedWithFramesTooLarge(s, plan, "shm", 1);
            assertEquals(N, usage(fx, s).bytesToDevice() - before.bytesToDevice(), "every byte was copied to the device once");
            assertOnDevice(d, p, src, a, "the device holds the copy");
        }
    }

    /**
     * A module image that fits a TCP frame but not an shm one, its load cut before it went out: over
     * shm it goes through the region instead (INDIRECT).
     */
    @Test
    void aModuleLoadCutBeforeItWentOutGoesThroughTheRegionOverShm() throws IOException {
        byte[] ptx = Files.readAllBytes(Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), "vector_add.ptx"));
        byte[] image = (new String(ptx, StandardCharsets.UTF_8) + "\n/*" + "padding ".repeat(200_000) + "*/\n").getBytes(StandardCharsets.UTF_8);
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(fx, plan, "tcp", "shm"); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            plan.loseQueued(0);
            Kernel add = d.loadModule(image).kernel("vector_add"); // cut at the load; resumes over shm
            assertEquals(1, plan.cuts());
            assertEquals("shm", s.transport());
            assertTrue(image.length > s.maxPayload(), "the image does not fit in an shm frame");
            int n = 1000;
            MemorySegment x = a.allocate(4L * n), y = a.allocate(4L * n), z = a.allocate(4L * n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2f * i);
            }
            long dx = d.malloc(4L * n), dy = d.malloc(4L * n), dz = d.malloc(4L * n);
            d.copyToDevice(dx, x, 4L * n);
            d.copyToDevice(dy, y, 4L * n);
            d.launch(add, Dim3.of(4), Dim3.of(256), 0, null, add.args().ptr(dx).ptr(dy).ptr(dz).i32(n));
            d.copyFromDevice(z, dz, 4L * n);
            for (int i = 0; i < n; i++) assertEquals(3f * i, z.getAtIndex(ValueLayout.JAVA_FLOAT, i), "z[" + i + "]");
        }
    }

    /** The other way: frames of shm's size replayed over a TCP transport configured with smaller frames. */
    @Test
    void queuedCopiesAreReplayedOverATcpTransportWithSmallerFrames() throws IOException {
        GpuBackend b = TestBackends.host(1, 1024);
        int tcpFrame = (128 << 10) + Wire.HEADER_SIZE; // shm's frames are 256 KiB (its reply ring's quarter)
        try (ServerFixture small = new ServerFixture(b, ServerFixture.testSettings().withDisconnectGrace(Duration.ofSeconds(10)), false,
                t -> new TcpSettings(t.bindAddress(), t.port(), t.advertisedHost(), t.busyPoll(), t.spinMicros(), t.socketBufferBytes(), tcpFrame),
                sh -> sh)) {
            CuttingChannel.Plan plan = new CuttingChannel.Plan();
            try (ClientSession s = open(small, plan, "shm", "tcp"); Arena a = Arena.ofShared()) {
                Vgpu d = s.device(0);
                Stream st = d.createStream(true, 0);
                long p = d.malloc(N), q = d.malloc(N);
                MemorySegment first = pattern(a, N, 4), second = pattern(a, N, 5);
                SessionVgpu before = usage(small, s);
                plan.loseQueued(2);
                d.copyToDeviceAsync(p, first, N, st); // over shm: pageable, so in frames, not through the region
                d.copyOnDeviceAsync(q, p, N, st);
                d.copyToDeviceAsync(p, second, N, st);
                st.synchronize();
                assertMovedWithFramesTooLarge(s, plan, "tcp", 2);
                SessionVgpu after = usage(small, s);
                assertEquals(2 * N, after.bytesToDevice() - before.bytesToDevice(), "every byte was copied to the device once");
                assertOnDevice(d, q, pattern(a, N, 4), a, "q holds the first copy");
                assertOnDevice(d, p, pattern(a, N, 5), a, "p holds the second copy");
            }
        } finally {
            TestBackends.close(b);
        }
    }
}
