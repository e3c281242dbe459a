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
             Arena a = Arena.ofConfined(); ClientLog log = new ClientLog()) {
            String rdma = fx.rdma.endpoint(); // gone once the transport closes
            ClientOptions o = options(rdma).withEndpoints(List.of(rdma, fx.tcp.endpoint())).withResumeWindow(Duration.ofSeconds(20));
            try (VgpuSession s = OrionClient.open(o); HostBuffer back = s.allocHost(1 << 20)) {
                assertEquals("rdma", s.transport());
                assertTrue(back.shared(), "the buffer lies in the rdma connection's region");
                Vgpu d = s.device(0);
                MemorySegment v = a.allocate(1 << 20);
                v.fill((byte) 7);
                long p = d.malloc(1 << 20);
                d.copyToDevice(p, v, 1 << 20);
                long id = s.id();

                fx.server.useTransports(List.of(fx.tcp)); // as when the rdma bundle leaves
                assertEquals(SessionInfo.State.DETACHED, fx.server.sessions().get(0).state());
                // the first call after the move is a copy through the region: it meets the broken
                // connection and goes on along the new one's way (frames over TCP)
                d.copyFromDevice(back.segment(), p, 1 << 20);
                assertEquals(-1, back.segment().mismatch(v), "device memory survived the move");
                assertEquals("tcp", s.transport());
                assertEquals(id, s.id());
                assertTrue(s.resumes() >= 1);
                assertTrue(log.text().contains("WARN session " + id + ": moved off rdma: the connection to " + rdma + " broke (")
                        && log.text().contains("resumed over " + fx.tcp.endpoint()), "the move is logged:\n" + log.text());
            }
        }
    }

    /**
     * The rendezvous works, UCX's path behind it does not (the worker there never answers, or is
     * gone): the client notices within its connect timeout, warns naming the cause, and opens its
     * session over the TCP endpoint that follows.
     */
    @ParameterizedTest(name = "UCX_TLS={0}, {1}")
    @CsvSource({"shm, SILENT, no reply from the server over UCX within 2000 ms", "tcp, SILENT, UCX cannot reach the server",
            "tcp, GONE, UCX cannot reach the server"})
    void aBrokenUcxPathBehindAWorkingRendezvousFallsBackToTcp(String tls, BrokenPathServer.Mode mode, String says) throws Exception {
        System.setProperty(UcxConfig.CLIENT_PROPERTY, "TLS=" + tls);
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=" + tls), true);
             BrokenPathServer broken = new BrokenPathServer(mode, "TLS=" + tls); ClientLog log = new ClientLog()) {
            ClientOptions o = options(broken.endpoint());
            o = new ClientOptions(List.of(broken.endpoint(), fx.tcp.endpoint()), o.vgpuIds(), o.autoCount(), o.autoMemoryMiB(),
                    o.autoRatio(), o.groupId(), o.clientName(), Duration.ofSeconds(2), o.resumeWindow(), false, 50, 32, o.chunkBytes());
            long t0 = System.nanoTime();
            try (VgpuSession s = OrionClient.open(o)) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals("tcp", s.transport());
                s.ping();
                assertTrue(ms < 10_000, "opened after " + ms + " ms, not within the 2 s timeout");
            }
            assertTrue(log.text().contains("WARN RDMA to " + broken.endpoint() + " does not work (") && log.text().contains(says)
                    && log.text().contains("falling back to " + fx.tcp.endpoint()), "the warning names the cause:\n" + log.text());
        }
    }
}
