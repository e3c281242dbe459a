package io.orion.transport.rdma.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;

import io.orion.api.backend.Dim3;
import io.orion.api.server.SessionInfo;
import io.orion.client.ClientOptions;
import io.orion.client.Event;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Stream;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.ucx.UcxConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sessions, kernels and copies through the Java client over the rdma transport, against the real
 * server on the host backend, on each of UCX's transports that run without RDMA hardware:
 * shared memory with the payload region moved by one-sided RDMA, and without (data in messages);
 * TCP in messages, and with RMA (correct but slow in UCX 1.13, so with little data).
 */
class RdmaEndToEndTest {
    @BeforeAll
    static void ucx() {
        RdmaServer.requireUcx();
    }

    @AfterEach
    void clearClientSettings() {
        System.clearProperty(UcxConfig.CLIENT_PROPERTY);
    }

    private static ClientOptions options(String endpoint) {
        return ClientOptions.of(endpoint, 256).withClientName("rdma-e2e").withShmRegionMiB(32);
    }

    @ParameterizedTest(name = "UCX_TLS={0}, RMA {1}")
    @CsvSource({"shm, true, 50000", "shm, false, 50000", "tcp, false, 50000", "tcp, true, 4096"})
    void kernelsAndCopies(String tls, boolean rma, int n) throws Exception {
        System.setProperty(UcxConfig.CLIENT_PROPERTY, "TLS=" + tls);
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withRma(rma).withUcx("TLS=" + tls), false);
             VgpuSession s = OrionClient.open(options(fx.rdma.endpoint()));
             Arena a = Arena.ofConfined()) {
            assertEquals("rdma", s.transport());
            Vgpu d = s.device(0);

            // ordinary host memory: staged through the region (RMA) or carried in messages
            Kernel add = d.loadModule(RdmaServer.kernel("vector_add.ptx")).kernel("vector_add");
            MemorySegment x = a.allocate(ValueLayout.JAVA_FLOAT, n), y = a.allocate(ValueLayout.JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1000f - i);
            }
            long dx = d.malloc(4L * n), dy = d.malloc(4L * n), dz = d.malloc(4L * n);
            d.copyToDevice(dx, x, 4L * n);
            d.copyToDevice(dy, y, 4L * n);
            d.launch(add, Dim3.of((n + 255) / 256), Dim3.of(256), 0, null, add.args().ptr(dx).ptr(dy).ptr(dz).i32(n));
            MemorySegment z = a.allocate(ValueLayout.JAVA_FLOAT, n);
            d.copyFromDevice(z, dz, 4L * n);
            for (int i = 0; i < n; i++) assertEquals(i * 0.5f + 1000f - i, z.getAtIndex(ValueLayout.JAVA_FLOAT, i), "z[" + i + "]");

            // pinned host buffers: in the local copy of the region with RMA (written to the server by RDMA)
            try (HostBuffer in = s.allocHost(4L * n); HostBuffer out = s.allocHost(4L * n)) {
                assertEquals(rma, in.shared(), "pinned buffers live in the region exactly when there is one");
                MemorySegment p = in.segment();
                for (int i = 0; i < n; i++) p.setAtIndex(ValueLayout.JAVA_INT, i, i ^ 0x5a5a);
                Stream st = d.createStream(false, 0);
                Event done = d.createEvent(true);
                d.copyToDeviceAsync(dx, p, 4L * n, st);
                d.copyOnDeviceAsync(dy, dx, 4L * n, st);
                done.record(st);
                done.synchronize();
                d.memset(dx, 0, 4L * n);
                d.copyFromDevice(out.segment(), dy, 4L * n);
                assertEquals(-1, out.segment().asSlice(0, 4L * n).mismatch(p.asSlice(0, 4L * n)), "the bytes came back unchanged");
            }

            // a copy larger than the region's staging pieces, with a partial tail
            long big = rma ? (24L << 20) + 12345 : 4L * n + 3;
            MemorySegment src = a.allocate(big), dst = a.allocate(big);
            for (long i = 0; i < big; i += 8) src.set(ValueLayout.JAVA_LONG_UNALIGNED, Math.min(i, big - 8), i * 0x9e3779b97f4a7c15L);
            long db = d.malloc(big);
            d.copyToDevice(db, src, big);
            d.copyFromDevice(dst, db, big);
            assertEquals(-1, dst.mismatch(src));
            d.synchronize();
            assertEquals(4L * n * 3 + big, d.memInfo().totalBytes() - d.memInfo().freeBytes());
        }
    }

    /** A dead rdma endpoint first in the list: the client opens its session over TCP instead. */
    @ParameterizedTest(name = "UCX_TLS={0}")
    @CsvSource({"shm"})
    void anUnreachableRdmaEndpointFallsBackToTcp(String tls) throws Exception {
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=" + tls), true)) {
            String dead = fx.rdma.endpoint();
            fx.server.useTransports(List.of(fx.tcp)); // rdma closes: nothing listens there any more
            ClientOptions o = options(dead).withEndpoints(List.of(dead, fx.tcp.endpoint()));
            try (VgpuSession s = OrionClient.open(o)) {
                assertEquals("tcp", s.transport());
                s.ping();
            }
        }
    }

    /** The rdma transport closes under a live session: the client resumes over TCP, its device memory intact. */
    @ParameterizedTest(name = "UCX_TLS={0}")
    @CsvSource({"shm"})
    void aSessionSurvivesItsRdmaTransport(String tls) throws Exception {
        System.setProperty(UcxConfig.CLIENT_PROPERTY, "TLS=" + tls);
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=" + tls), true);
             Arena a = Arena.ofConfined()) {
            ClientOptions o = options(fx.rdma.endpoint()).withEndpoints(List.of(fx.rdma.endpoint(), fx.tcp.endpoint()))
                    .withResumeWindow(Duration.ofSeconds(20));
            try (VgpuSession s = OrionClient.open(o)) {
                assertEquals("rdma", s.transport());
                Vgpu d = s.device(0);
                MemorySegment v = a.allocate(1 << 20);
                v.fill((byte) 7);
                long p = d.malloc(1 << 20);
                d.copyToDevice(p, v, 1 << 20);
                long id = s.id();

                fx.server.useTransports(List.of(fx.tcp)); // as when the rdma bundle leaves
                assertEquals(SessionInfo.State.DETACHED, fx.server.sessions().get(0).state());
                // The first call after the move must not be a copy through the region: the Java client
                // would send it again as it was, naming a region the new connection does not have
                // (its limitation over shm as well; TransportSwapIT does the same).
                d.memset(p + (1 << 20) - 1, 7, 1);
                MemorySegment back = a.allocate(1 << 20);
                d.copyFromDevice(back, p, 1 << 20);
                assertEquals(-1, back.mismatch(v), "device memory survived the move");
                assertEquals("tcp", s.transport());
                assertEquals(id, s.id());
                assertTrue(s.resumes() >= 1);
            }
        }
    }
}
