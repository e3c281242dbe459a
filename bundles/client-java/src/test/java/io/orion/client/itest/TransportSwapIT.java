package io.orion.client.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuException;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.client.ClientOptions;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.testing.Await;
import io.orion.testing.Bundles;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Transports come and go under a live session: the TCP transport bundle is uninstalled while a
 * client works over it, the client resumes its session over shared memory with its device memory
 * intact, the bundle comes back, then the shared-memory bundle leaves and the client moves back to
 * TCP. Also the server-control service: grants, live resize, revoke.
 */
@ExtendWith(ServiceExtension.class)
class TransportSwapIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long MIB = 1 << 20;

    @InjectService Platform platform;
    @InjectService VgpuServer server;
    @InjectService ConfigurationAdmin cm;

    private BundleContext framework;
    private String tcpEndpoint, shmEndpoint;

    @BeforeEach
    void listen() throws IOException {
        framework = Bundles.framework(getClass());
        Path shmDir = Path.of(framework.getProperty("orion.itest.shm"));
        Files.createDirectories(shmDir);
        String current = endpoint("tcp");
        if (current.startsWith("tcp://127.0.0.1:")) {
            tcpEndpoint = current; // configured by an earlier test
        } else {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            configure("io.orion.transport.tcp", "bindAddress", "127.0.0.1", "advertisedHost", "127.0.0.1", "port", port);
            tcpEndpoint = "tcp://127.0.0.1:" + port;
        }
        configure("io.orion.transport.shm", "directory", shmDir.toString(), "regionMiB", 32);
        configure("io.orion.server", "autoGrant", true); // these sessions come without a controller
        shmEndpoint = "shm://" + shmDir.resolve("orion.sock");
        Await.until("tcp at " + tcpEndpoint + " and shm at " + shmEndpoint, WAIT,
                () -> endpoint("tcp").equals(tcpEndpoint) && endpoint("shm").equals(shmEndpoint));
        Await.until("the host backend", WAIT, () -> platform.activeBackend().isPresent());
    }

    private void configure(String pid, Object... kv) throws IOException {
        var c = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        boolean changed = false;
        for (int i = 0; i < kv.length; i += 2) {
            if (!kv[i + 1].equals(props.get((String) kv[i]))) {
                props.put((String) kv[i], kv[i + 1]);
                changed = true;
            }
        }
        if (changed) c.update(props);
    }

    private String endpoint(String transport) {
        return platform.plugins(PluginKind.TRANSPORT).stream().filter(p -> p.name().equals(transport))
                .map(PluginInfo::detail).findFirst().orElse("");
    }

    private static byte[] kernel(BundleContext ctx, String file) throws IOException {
        return Files.readAllBytes(Path.of(ctx.getProperty("orion.samples.kernels"), file));
    }

    /** Runs vector_add over n elements and checks the result. */
    private void add(Vgpu d, Kernel k, long a, long b, long c, int n, Arena arena) {
        d.launch(k, Dim3.of(8), Dim3.of(128), 0, null, k.args().ptr(a).ptr(b).ptr(c).i32(n));
        MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, n);
        d.copyFromDevice(out, c, 4L * n);
        for (int i = 0; i < n; i++) assertEquals(3f * i, out.getAtIndex(ValueLayout.JAVA_FLOAT, i), "c[" + i + "]");
    }

    @Test
    void aSessionOutlivesItsTransportBundles() throws Exception {
        int n = 4096;
        ClientOptions opts = new ClientOptions(List.of(tcpEndpoint, shmEndpoint), List.of(), 1, 256, 100, "", "swap-it",
                Duration.ofSeconds(5), Duration.ofSeconds(30), false, 50, 0, 1 << 20);
        try (VgpuSession s = OrionClient.open(opts); Arena arena = Arena.ofConfined()) {
            assertEquals("tcp", s.transport());
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel(framework, "vector_add.ptx")).kernel("vector_add");
            MemorySegment x = arena.allocate(ValueLayout.JAVA_FLOAT, n), y = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2f * i);
            }
            long a = d.malloc(4L * n), b = d.malloc(4L * n), c = d.malloc(4L * n);
            d.copyToDevice(a, x, 4L * n);
            d.copyToDevice(b, y, 4L * n);
            add(d, k, a, b, c, n, arena);
            long id = s.id();

            // the TCP transport bundle leaves: the session waits, the client resumes over shm
            Bundle tcp = Bundles.find(framework, "io.orion.transport.tcp").orElseThrow();
            String tcpLocation = tcp.getLocation();
            Bundles.uninstall(framework, tcp);
            Await.until("the session to be detached", WAIT,
                    () -> server.sessions().size() == 1 && server.sessions().get(0).state() == SessionInfo.State.DETACHED);
            d.memset(c, 0, 4L * n);
            add(d, k, a, b, c, n, arena);
            assertEquals("shm", s.transport());
            assertEquals(id, s.id());
            assertEquals(1, s.resumes());

            // TCP comes back on the same port (its configuration stays); then shm leaves: back to TCP
            Bundles.reinstall(framework, tcpLocation);
            Await.until("tcp to listen again", WAIT, () -> endpoint("tcp").equals(tcpEndpoint));
            Bundle shm = Bundles.find(framework, "io.orion.transport.shm").orElseThrow();
            String shmLocation = shm.getLocation();
            Bundles.uninstall(framework, shm);
            d.memset(c, 0, 4L * n);
            add(d, k, a, b, c, n, arena);
            assertEquals("tcp", s.transport());
            assertEquals(2, s.resumes());
            assertEquals(3 * 4L * n + 0, server.sessions().get(0).vgpus().get(0).memoryUsedBytes());
            Bundles.reinstall(framework, shmLocation);
            Await.until("shm to listen again", WAIT, () -> endpoint("shm").equals(shmEndpoint));
        }
        Await.until("the session to be freed", WAIT, () -> server.sessions().isEmpty());
    }

    @Test
    void grantsAndLiveResizeThroughTheServerService() throws Exception {
        String gpu = platform.activeBackend().orElseThrow().devices().get(0).uuid();
        server.grant(new VgpuGrant("vgpu-it-1", gpu, 64, 50, "pod-it"));
        ClientOptions opts = ClientOptions.of(tcpEndpoint, 0).withVgpus(List.of("vgpu-it-1")).withGroup("pod-it");
        try (VgpuSession s = OrionClient.open(opts); VgpuSession t = OrionClient.open(opts)) {
            assertEquals(64 * MIB, s.device(0).info().memoryBytes());
            long p = s.device(0).malloc(40 * MIB);
            // the group's two processes share one quota
            assertEquals(CudaError.OUT_OF_MEMORY.code(), assertThrows(GpuException.class, () -> t.device(0).malloc(30 * MIB)).code());
            long q = t.device(0).malloc(20 * MIB);
            server.resize("vgpu-it-1", 32, 50);
            assertEquals(32 * MIB, s.device(0).memInfo().totalBytes());
            assertEquals(0, s.device(0).memInfo().freeBytes());
            assertEquals(CudaError.OUT_OF_MEMORY.code(), assertThrows(GpuException.class, () -> s.device(0).malloc(1)).code());
            s.device(0).free(p);
            t.device(0).malloc(10 * MIB);
            assertEquals(30 * MIB, server.vgpu("vgpu-it-1").orElseThrow().memoryUsedBytes());
            assertTrue(q != 0);
            assertTrue(server.revoke("vgpu-it-1"));
            Await.until("revoking closes both sessions", WAIT, () -> server.sessions().isEmpty());
        }
    }
}
