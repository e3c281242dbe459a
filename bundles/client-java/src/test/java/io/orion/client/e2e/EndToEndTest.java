package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuException;
import io.orion.api.server.SessionInfo;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.Module;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.server.internal.FakeBackend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java client against the real server over both real transports, on a backend double (memory
 * is real; its one kernel, "fill", is run by the double). Kernels in PTX run end to end on the host
 * backend in {@link HostBackendEndToEndTest}; isolation between sessions and the cleanup of a killed
 * client run on both backends, with the shipped grace, in {@link IsolationAndCleanupTest}.
 */
class EndToEndTest {
    private static final long MIB = 1 << 20;
    private FakeBackend backend;
    private ServerFixture fx;

    @BeforeEach
    void start() throws Exception {
        backend = new FakeBackend(256 * MIB);
        fx = new ServerFixture(backend, ServerFixture.testSettings());
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
        assertEquals(0, backend.openContexts(), "contexts left open");
    }

    private VgpuSession open(String transport, long memoryMiB) {
        return OrionClient.open(ClientOptions.of(fx.endpoint(transport), memoryMiB).withChunkBytes(64 * 1024));
    }

    private static MemorySegment pattern(Arena a, long n, int seed) {
        MemorySegment s = a.allocate(Math.max(1, n));
        for (long i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void copiesOfEverySizeRoundTrip(String transport) {
        try (VgpuSession s = open(transport, 64); Arena a = Arena.ofConfined()) {
            assertEquals(transport, s.transport());
            Vgpu d = s.device(0);
            for (long n : new long[] {1, 4095, 65_536, 3 * MIB + 7, 20 * MIB + 1}) {
                long p = d.malloc(n);
                MemorySegment src = pattern(a, n, (int) n);
                d.copyToDevice(p, src, n);
                MemorySegment back = a.allocate(n);
                d.copyFromDevice(back, p, n);
                assertEquals(-1, src.asSlice(0, n).mismatch(back), "copy of " + n + " bytes over " + transport);
                d.free(p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void hostBuffersAreSharedOnShmAndPrivateOnTcp(String transport) {
        try (VgpuSession s = open(transport, 64); HostBuffer b = s.allocHost(4 * MIB); HostBuffer c = s.allocHost(4 * MIB)) {
            assertEquals(transport.equals("shm"), b.shared());
            Vgpu d = s.device(0);
            long p = d.malloc(4 * MIB);
            for (int i = 0; i < 4 * MIB; i += 4096) b.segment().set(ValueLayout.JAVA_INT, i, i);
            d.copyToDeviceAsync(p, b.segment(), 4 * MIB, null);
            d.copyFromDevice(c.segment(), p, 4 * MIB);
            assertEquals(-1, b.segment().mismatch(c.segment()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void kernelsLaunchAndAsynchronousErrorsSurfaceAtSynchronize(String transport) {
        try (VgpuSession s = open(transport, 64); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Module m = d.loadModule("fill\nfault\n".getBytes(StandardCharsets.UTF_8));
            Kernel fill = m.kernel("fill");
            assertEquals(List.of(8, 4, 4), fill.parameterSizes());
            long p = d.malloc(4000);
            for (int i = 0; i < 1000; i++) d.launch(fill, Dim3.of(1), Dim3.of(1), 0, null, fill.args().ptr(p).i32(i).i32(1000));
            MemorySegment out = a.allocate(4000);
            d.copyFromDevice(out, p, 4000);
            assertEquals(999, out.get(ValueLayout.JAVA_INT, 3996));
            assertThrows(IllegalArgumentException.class, () -> fill.args().ptr(p).i32(1).ptr(3));

            Kernel fault = m.kernel("fault");
            d.launch(fault, Dim3.of(1), Dim3.of(1), 0, null, fault.args());
            GpuException e = assertThrows(GpuException.class, d::synchronize);
            assertEquals(CudaError.ILLEGAL_ADDRESS.code(), e.code());
            d.synchronize(); // reported once
            assertEquals(1001, fx.server.sessions().get(0).vgpus().get(0).launches());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void moreQueuedCallsThanTheReplayLogHoldsFlushOnTheirOwn(String transport) {
        try (VgpuSession s = open(transport, 16); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Kernel fill = d.loadModule("fill\n".getBytes(StandardCharsets.UTF_8)).kernel("fill");
            long p = d.malloc(4);
            int n = 100_000; // beyond the 65 536 asynchronous calls the client keeps for a resume
            for (int i = 0; i < n; i++) d.launch(fill, Dim3.of(1), Dim3.of(1), 0, null, fill.args().ptr(p).i32(i).i32(1));
            MemorySegment out = a.allocate(4);
            d.copyFromDevice(out, p, 4);
            assertEquals(n - 1, out.get(ValueLayout.JAVA_INT, 0));
            assertEquals(n, fx.server.sessions().get(0).vgpus().get(0).launches());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aModuleLargerThanAFrameLoads(String transport) {
        // 3 MiB: over shm that is beyond a ring frame (1 MiB), so it travels INDIRECT through the region
        byte[] image = ("fill\n" + " ".repeat(3 << 20) + "\n").getBytes(StandardCharsets.UTF_8);
        try (VgpuSession s = open(transport, 16)) {
            Kernel fill = s.device(0).loadModule(image).kernel("fill");
            assertEquals(List.of(8, 4, 4), fill.parameterSizes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aSessionWithTwoVgpusKeepsTheirMemoryApart(String transport) {
        try (VgpuSession s = OrionClient.open(ClientOptions.of(fx.endpoint(transport), 8).withAuto(2, 8, 50)); Arena a = Arena.ofConfined()) {
            assertEquals(2, s.deviceCount());
            Vgpu d0 = s.device(0), d1 = s.device(1);
            long p0 = d0.malloc(4 * MIB);
            // each vGPU has its own quota and its own allocations
            long p1 = d1.malloc(8 * MIB);
            assertEquals(4 * MIB, d0.memInfo().freeBytes());
            assertEquals(0, d1.memInfo().freeBytes());
            MemorySegment src = pattern(a, 4096, 9);
            d0.copyToDevice(p0, src, 4096);
            MemorySegment back = a.allocate(4096);
            d0.copyFromDevice(back, p0, 4096);
            assertEquals(-1, src.mismatch(back));
            // a range of device 1's allocation is not device 0's, whatever the addresses
            long onlyOnD1 = p1 + 6 * MIB;
            d1.memset(onlyOnD1, 0, 16);
            assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class, () -> d0.memset(onlyOnD1, 0, 16)).code());
            assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class, () -> d0.memset(p0 + 4 * MIB, 0, 1)).code());
            assertEquals(CudaError.INVALID_DEVICE.code(), assertThrows(GpuException.class, () -> s.device(2)).code());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void streamsAndEventsWork(String transport) {
        try (VgpuSession s = open(transport, 16)) {
            Vgpu d = s.device(0);
            var st = d.createStream(true, 0);
            var e1 = d.createEvent(true);
            var e2 = d.createEvent(true);
            e1.record(st);
            long p = d.malloc(1 << 20);
            d.memsetAsync(p, 7, 1 << 20, st);
            e2.record(st);
            e2.synchronize();
            assertTrue(e2.complete());
            assertTrue(e2.elapsedSince(e1) >= 0);
            st.synchronize();
            assertTrue(st.idle());
            st.destroy();
            e1.destroy();
            e2.destroy();
            d.synchronize();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aSessionSurvivesItsTransportGoingAwayAndComingBack(String transport) throws Exception {
        try (VgpuSession s = OrionClient.open(ClientOptions.of(fx.endpoint(transport), 64).withResumeWindow(Duration.ofSeconds(20)));
             Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            long p = d.malloc(MIB);
            MemorySegment src = pattern(a, MIB, 3);
            d.copyToDevice(p, src, MIB);
            long id = s.id();
            var t = transport.equals("tcp") ? fx.tcp : fx.shm;
            fx.server.useTransports(List.of(transport.equals("tcp") ? fx.shm : fx.tcp)); // this transport goes away
            Thread.sleep(200);
            assertEquals(SessionInfo.State.DETACHED, fx.server.sessions().get(0).state());
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                fx.server.useTransports(List.of(fx.tcp, fx.shm)); // and comes back
            });
            MemorySegment back = a.allocate(MIB);
            d.copyFromDevice(back, p, MIB); // reconnects and resumes underneath
            assertEquals(-1, src.mismatch(back));
            assertEquals(id, s.id());
            assertEquals(1, s.resumes());
            assertEquals(SessionInfo.State.ATTACHED, fx.server.sessions().get(0).state());
            assertTrue(t.endpoint().startsWith(transport));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void closingTheSessionFreesEverythingAtOnce(String transport) {
        VgpuSession s = open(transport, 16);
        s.device(0).malloc(MIB);
        s.close();
        assertTrue(fx.server.sessions().isEmpty());
        assertEquals(0, backend.openContexts());
        assertThrows(GpuException.class, () -> s.device(0).malloc(1));
    }
}
