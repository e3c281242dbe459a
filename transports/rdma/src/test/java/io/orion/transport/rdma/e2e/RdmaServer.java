package io.orion.transport.rdma.e2e;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.orion.api.backend.GpuBackend;
import io.orion.api.transport.Transport;
import io.orion.server.internal.RemotingServer;
import io.orion.server.internal.ServerSettings;
import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.transport.rdma.internal.RdmaTransport;
import io.orion.transport.tcp.internal.TcpSettings;
import io.orion.transport.tcp.internal.TcpTransport;
import io.orion.ucx.Ucx;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real server on the host backend (PTX run on the CPU), wired without OSGi, with the rdma
 * transport on a free loopback port and, when asked, the TCP transport next to it.
 */
final class RdmaServer implements AutoCloseable {
    final GpuBackend backend;
    final RemotingServer server;
    final RdmaTransport rdma;
    final TcpTransport tcp;

    RdmaServer(RdmaSettings rdmaSettings, boolean withTcp) throws IOException {
        backend = hostBackend();
        server = new RemotingServer(ServerSettings.defaults().withDisconnectGrace(Duration.ofMillis(300)).withTransportGrace(Duration.ofSeconds(30)),
                () -> Optional.of(backend));
        rdma = new RdmaTransport(rdmaSettings.withBindAddress("127.0.0.1").withPort(0));
        tcp = withTcp ? new TcpTransport(TcpSettings.defaults().withBindAddress("127.0.0.1").withPort(0)) : null;
        List<Transport> ts = new ArrayList<>(List.of(rdma));
        if (tcp != null) ts.add(tcp);
        server.useTransports(ts);
        if (rdma.endpoint().isEmpty() || (tcp != null && tcp.endpoint().isEmpty()))
            throw new IOException("transports did not open: " + server.endpoints());
    }

    static void requireUcx() {
        Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY)).ifPresent(why -> fail(
                "the rdma transport's tests need UCX. Run bin/ensure-ucx once (it unpacks Debian's UCX packages into .tools/ucx), "
                        + "or install UCX and pass -D" + Ucx.LIBRARY_PATH_PROPERTY + "=DIR. Loading it said: " + why));
    }

    /** The host backend with one device of 1 GiB; its class is internal to its bundle, so it is reached by name. */
    static GpuBackend hostBackend() {
        try {
            Class<?> c = Class.forName("io.orion.backend.host.internal.HostBackend");
            Constructor<?> k = c.getDeclaredConstructor(int.class, long.class, String.class, int.class);
            k.setAccessible(true);
            return (GpuBackend) k.newInstance(1, 1024L, "", 0);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the host backend (io.orion.backend.host) is not on the class path", e);
        }
    }

    static byte[] kernel(String file) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), file));
    }

    @Override
    public void close() throws Exception {
        server.close();
        var stop = backend.getClass().getDeclaredMethod("deactivate"); // what its DS component would call
        stop.setAccessible(true);
        stop.invoke(backend);
    }
}
