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
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.Stream;
import io.orion.client.Vgpu;
import io.orion.client.e2e.ServerFixture;
import io.orion.client.e2e.TestBackends;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A session over shm whose connection breaks in the middle of a copy through the region, then
 * resumes over TCP (no region) or over a new shm connection (another region): the copy is done
 * again on the new connection's path and its bytes arrive exactly, in both directions, from and
 * into pageable memory (staged in pieces) and pinned buffers (zero copy), synchronous and queued.
 * The connection is cut at the region frame itself ({@link CuttingChannel}): before it goes out,
 * or after the server did it and its reply was lost.
 */
@Timeout(120)
class RegionCopyResumeTest {
    /** Three staging pieces (8 MiB each, ClientDevice.STAGING), the last one partial. */
    private static final long BIG = (20L << 20) + 4100;
    private static final long SMALL = (1L << 20) + 12;

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

    /** A session that starts over shm; once the plan has cut, shm is refused when it must move to TCP. */
    private static ClientSession open(CuttingChannel.Plan plan, String moveTo) {
        ClientOptions o = ClientOptions.of(fx.shmEndpoint, 256).withEndpoints(List.of(fx.shmEndpoint, fx.tcpEndpoint))
                .withResumeWindow(Duration.ofSeconds(10)).withClientName("region-resume");
        ClientSession s = ClientSession.open(o, direct -> e -> {
            if (plan.cuts() > 0 && moveTo.equals("tcp") && e.scheme().equals("shm")) throw new IOException("shm is gone in this test");
            return new CuttingChannel(direct.connect(e), plan);
        });
        assertEquals("shm", s.transport());
        return s;
    }

    private static MemorySegment pattern(Arena a, long bytes, long seed) {
        MemorySegment m = a.allocate(bytes);
        for (long i = 0; i + 8 <= bytes; i += 8) m.set(ValueLayout.JAVA_LONG_UNALIGNED, i, (i + seed) * 0x9e3779b97f4a7c15L);
        for (long i = bytes / 8 * 8; i < bytes; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) (i ^ seed));
        return m;
    }

    /** The device's bytes, read over whatever path the session has now. */
    private static void assertOnDevice(Vgpu d, long ptr, MemorySegment expected, Arena a) {
        MemorySegment back = a.allocate(expected.byteSize());
        d.copyFromDevice(back, ptr, expected.byteSize());
        assertEquals(-1, back.mismatch(expected), "the device holds the copied bytes");
    }

    private static void assertMoved(ClientSession s, CuttingChannel.Plan plan, String moveTo) {
        assertEquals(1, plan.cuts(), "the connection was cut at a region frame");
        assertEquals(1, s.resumes());
        assertEquals(moveTo, s.transport());
    }

    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void aStagedCopyToTheDeviceGoesOnOnTheNewPath(String moveTo, boolean afterReply) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            long p = d.malloc(BIG);
            MemorySegment src = pattern(a, BIG, 1);
            plan.arm(2, afterReply); // the second of three pieces
            d.copyToDevice(p, src, BIG);
            assertMoved(s, plan, moveTo);
            assertOnDevice(d, p, src, a);
        }
    }

    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void aStagedCopyFromTheDeviceGoesOnOnTheNewPath(String moveTo, boolean afterReply) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            long p = d.malloc(BIG);
            MemorySegment src = pattern(a, BIG, 2);
            d.copyToDevice(p, src, BIG);
            MemorySegment dst = a.allocate(BIG);
            plan.arm(2, afterReply);
            d.copyFromDevice(dst, p, BIG);
            assertMoved(s, plan, moveTo);
            assertEquals(-1, dst.mismatch(src), "the host holds the device's bytes");
        }
    }

    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void zeroCopiesOfPinnedBuffersAreDoneAgainOnTheNewPath(String moveTo, boolean afterReply) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared();
             HostBuffer in = s.allocHost(SMALL); HostBuffer out = s.allocHost(SMALL)) {
            assertTrue(in.shared() && out.shared(), "pinned buffers in the shm region");
            Vgpu d = s.device(0);
            long p = d.malloc(SMALL);
            MemorySegment src = pattern(a, SMALL, 3);
            in.segment().copyFrom(src);
            plan.arm(1, afterReply);
            d.copyToDevice(p, in.segment(), SMALL);
            assertMoved(s, plan, moveTo);
            assertOnDevice(d, p, src, a);

            // and back into a pinned buffer of the old region, now on the new connection's path
            MemorySegment other = pattern(a, SMALL, 4);
            d.copyToDevice(p, other, SMALL);
            d.copyFromDevice(out.segment(), p, SMALL);
            assertEquals(-1, out.segment().mismatch(other));
        }
    }

    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void aZeroCopyIntoAPinnedBufferIsDoneAgainOnTheNewPath(String moveTo, boolean afterReply) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared(); HostBuffer out = s.allocHost(SMALL)) {
            Vgpu d = s.device(0);
            long p = d.malloc(SMALL);
            MemorySegment src = pattern(a, SMALL, 5);
            d.copyToDevice(p, src, SMALL);
            plan.arm(1, afterReply);
            d.copyFromDevice(out.segment(), p, SMALL);
            assertMoved(s, plan, moveTo);
            assertEquals(-1, out.segment().mismatch(src));
        }
    }

    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void aQueuedZeroCopyOnAStreamIsDoneAgainOnTheNewPath(String moveTo, boolean afterReply) {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared(); HostBuffer in = s.allocHost(SMALL)) {
            Vgpu d = s.device(0);
            Stream st = d.createStream(true, 0);
            long p = d.malloc(SMALL), q = d.malloc(SMALL);
            MemorySegment src = pattern(a, SMALL, 6);
            in.segment().copyFrom(src);
            plan.arm(1, afterReply);
            d.copyToDeviceAsync(p, in.segment(), SMALL, st);
            d.copyOnDeviceAsync(q, p, SMALL, st);
            st.synchronize();
            assertMoved(s, plan, moveTo);
            assertOnDevice(d, q, src, a);
        }
    }

    @Test
    void queuedCopiesOfPageableMemoryTravelInFramesNotThroughTheRegion() {
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, "tcp"); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            Stream st = d.createStream(true, 0);
            long p = d.malloc(BIG);
            MemorySegment src = pattern(a, BIG, 7);
            plan.arm(1, false);
            d.copyToDeviceAsync(p, src, BIG, st); // a staging piece refilled under a queued copy would race with it
            src.fill((byte) 0); // the program may reuse its buffer at once
            st.synchronize();
            assertEquals(0, plan.cuts(), "no region frame went out");
            assertOnDevice(d, p, pattern(a, BIG, 7), a);
        }
    }

    /** A module image too large for an shm frame travels in the region (INDIRECT). */
    @ParameterizedTest(name = "to {0}, cut after the reply: {1}")
    @CsvSource({"tcp, false", "tcp, true", "shm, false", "shm, true"})
    void aLargeModuleLoadInterruptedInTheRegionIsDoneOnTheNewPath(String moveTo, boolean afterReply) throws IOException {
        byte[] ptx = Files.readAllBytes(Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), "vector_add.ptx"));
        byte[] image = (new String(ptx, StandardCharsets.UTF_8) + "\n/*" + "padding ".repeat(200_000) + "*/\n").getBytes(StandardCharsets.UTF_8);
        CuttingChannel.Plan plan = new CuttingChannel.Plan();
        try (ClientSession s = open(plan, moveTo); Arena a = Arena.ofShared()) {
            assertTrue(image.length > s.maxPayload(), "the image does not fit in a frame over shm");
            Vgpu d = s.device(0);
            plan.arm(1, afterReply);
            Kernel add = d.loadModule(image).kernel("vector_add");
            assertMoved(s, plan, moveTo);
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
}
