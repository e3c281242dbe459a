package io.orion.transport.rdma.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import io.orion.api.backend.Dim3;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuServer;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.testing.Await;
import io.orion.testing.Bundles;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The rdma transport in a running platform, over UCX's shared memory: a session works through
 * it with one-sided RDMA, the rdma bundle is uninstalled under that session, the client resumes
 * over TCP with its device memory intact, the bundle comes back and new sessions use it again.
 */
@ExtendWith(ServiceExtension.class)
class RdmaSwapIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService Platform platform;
    @InjectService VgpuServer server;
    @InjectService ConfigurationAdmin cm;

    private BundleContext framework;
    private String tcpEndpoint, rdmaEndpoint;

    @BeforeEach
    void listen() throws IOException {
        framework = Bundles.framework(getClass());
        Path kernels = Path.of(framework.getProperty("orion.samples.kernels"));
        assertTrue(Files.isDirectory(kernels), "the sample kernels are built: " + kernels);
        var server = cm.getConfiguration("io.orion.server", "?");
        Dictionary<String, Object> sp = server.getProperties() == null ? new Hashtable<>() : server.getProperties();
        if (!Boolean.TRUE.equals(sp.get("autoGrant"))) {
            sp.put("autoGrant", true); // these sessions come without a controller
            server.update(sp);
        }
        tcpEndpoint = configure("io.orion.transport.tcp", "tcp");
        rdmaEndpoint = configure("io.orion.transport.rdma", "rdma", "ucx", new String[] {"TLS=shm"}, "regionMiB", 16);
        Await.until("the host backend", WAIT, () -> platform.activeBackend().isPresent());
        System.setProperty("orion.ucx.settings", "TLS=shm");
    }

    @AfterEach
    void clear() {
        System.clearProperty("orion.ucx.settings");
    }

    /** Points a transport at a free loopback port (once; later tests keep it) and waits until it listens there. */
    private String configure(String pid, String name, Object... more) throws IOException {
        String current = endpoint(name);
        if (current.startsWith(name + "://127.0.0.1:")) return current;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var c = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        props.put("bindAddress", "127.0.0.1");
        props.put("advertisedHost", "127.0.0.1");
        props.put("port", port);
        for (int i = 0; i < more.length; i += 2) props.put((String) more[i], more[i + 1]);
        c.update(props);
        String want = name + "://127.0.0.1:" + port;
        Await.until(name + " at " + want, WAIT, () -> endpoint(name).equals(want));
        return want;
    }

    private String endpoint(String transport) {
        return platform.plugins(PluginKind.TRANSPORT).stream().filter(p -> p.name().equals(transport))
                .map(PluginInfo::detail).findFirst().orElse("");
    }

    private byte[] kernel(String file) throws IOException {
        return Files.readAllBytes(Path.of(framework.getProperty("orion.samples.kernels"), file));
    }

    private static void add(Vgpu d, Kernel k, long a, long b, long c, int n, MemorySegment out) {
        d.launch(k, Dim3.of(n / 128), Dim3.of(128), 0, null, k.args().ptr(a).ptr(b).ptr(c).i32(n));
        d.copyFromDevice(out, c, 4L * n);
        for (int i = 0; i < n; i++) assertEquals(3f * i, out.getAtIndex(ValueLayout.JAVA_FLOAT, i), "c[" + i + "]");
    }

    @Test
    void aSessionOutlivesTheRdmaBundle() throws Exception {
        int n = 4096;
        ClientOptions opts = new ClientOptions(List.of(rdmaEndpoint, tcpEndpoint), List.of(), 1, 256, 100, "", "rdma-swap-it",
                Duration.ofSeconds(5), Duration.ofSeconds(30), false, 50, 0, 1 << 20);
        try (VgpuSession s = OrionClient.open(opts); Arena arena = Arena.ofConfined()) {
            assertEquals("rdma", s.transport());
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel("vector_add.ptx")).kernel("vector_add");
            long a = d.malloc(4L * n), b = d.malloc(4L * n), c = d.malloc(4L * n);
            try (HostBuffer x = s.allocHost(4L * n); HostBuffer y = s.allocHost(4L * n)) {
                assertTrue(x.shared(), "pinned buffers live in the region, moved by RDMA");
                for (int i = 0; i < n; i++) {
                    x.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
                    y.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, 2f * i);
                }
                d.copyToDevice(a, x.segment(), 4L * n);
                d.copyToDevice(b, y.segment(), 4L * n);
            }
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            add(d, k, a, b, c, n, out);
            long id = s.id();
            HostBuffer back = s.allocHost(4L * n);
            assertTrue(back.shared(), "in the rdma connection's region");

            Bundle rdma = Bundles.find(framework, "io.orion.transport.rdma").orElseThrow();
            String location = rdma.getLocation();
            Bundles.uninstall(framework, rdma);
            Await.until("the session to be detached", WAIT,
                    () -> server.sessions().size() == 1 && server.sessions().get(0).state() == SessionInfo.State.DETACHED);
            assertEquals("", endpoint("rdma"), "no rdma transport any more");
            // the first call after the move is a copy through the rdma region: it goes on over TCP
            d.copyFromDevice(back.segment(), a, 4L * n);
            for (int i = 0; i < n; i++) assertEquals((float) i, back.segment().getAtIndex(ValueLayout.JAVA_FLOAT, i), "a[" + i + "]");
            back.close();
            d.memset(c, 0, 4L * n);
            add(d, k, a, b, c, n, out);
            assertEquals("tcp", s.transport());
            assertEquals(id, s.id());
            assertEquals(1, s.resumes());

            Bundles.reinstall(framework, location);
            Await.until("rdma to listen again", WAIT, () -> endpoint("rdma").equals(rdmaEndpoint));
            try (VgpuSession t = OrionClient.open(opts.withClientName("rdma-swap-it-2"))) {
                assertEquals("rdma", t.transport());
                t.ping();
            }
        }
        Await.until("the session to be freed", WAIT, () -> server.sessions().isEmpty());
    }
}
