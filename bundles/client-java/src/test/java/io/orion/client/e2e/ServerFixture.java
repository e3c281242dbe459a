package io.orion.client.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.orion.api.backend.GpuBackend;
import io.orion.server.internal.RemotingServer;
import io.orion.server.internal.ServerSettings;
import io.orion.server.internal.gate.GateSettings;
import io.orion.server.internal.gate.NanoClock;
import io.orion.transport.shm.internal.ShmSettings;
import io.orion.transport.shm.internal.ShmTransport;
import io.orion.transport.tcp.internal.TcpSettings;
import io.orion.transport.tcp.internal.TcpTransport;

/**
 * The real server with both real transports, wired without OSGi, on a backend of the test's
 * choosing: TCP on a free loopback port, shared memory in a fresh directory under /dev/shm.
 */
public final class ServerFixture implements AutoCloseable {
    public final RemotingServer server;
    public final TcpTransport tcp;
    public final ShmTransport shm;
    public final String tcpEndpoint;
    public final String shmEndpoint;
    private final Path dir;

    public ServerFixture(GpuBackend backend, ServerSettings settings) throws IOException {
        this(backend, settings, false);
    }

    public ServerFixture(GpuBackend backend, ServerSettings settings, boolean busyPoll) throws IOException {
        this(backend, settings, busyPoll, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** As the others, with the transports' settings changed by {@code tcpSettings} and {@code shmSettings} (frame limits, rings). */
    public ServerFixture(GpuBackend backend, ServerSettings settings, boolean busyPoll, UnaryOperator<TcpSettings> tcpSettings,
                         UnaryOperator<ShmSettings> shmSettings) throws IOException {
        this(new RemotingServer(settings, () -> Optional.of(backend)), busyPoll, tcpSettings, shmSettings);
    }

    /** A server whose compute gate has {@code gate} and reads {@code clock} (a {@link DeviceTimeClock} to test it exactly). */
    public ServerFixture(GpuBackend backend, ServerSettings settings, GateSettings gate, NanoClock clock) throws IOException {
        this(new RemotingServer(settings, () -> Optional.of(backend), gate, clock), false, UnaryOperator.identity(),
                UnaryOperator.identity());
    }

    private ServerFixture(RemotingServer server, boolean busyPoll, UnaryOperator<TcpSettings> tcpSettings,
                          UnaryOperator<ShmSettings> shmSettings) throws IOException {
        this.server = server;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "orion-test-");
        tcp = new TcpTransport(tcpSettings.apply(TcpSettings.defaults().withBindAddress("127.0.0.1").withPort(port).withBusyPoll(busyPoll)));
        shm = new ShmTransport(shmSettings.apply(ShmSettings.defaults().withDirectory(dir).withRegionMiB(64).withBusyPoll(busyPoll)));
        server.useTransports(List.of(tcp, shm));
        tcpEndpoint = "tcp://127.0.0.1:" + port;
        shmEndpoint = "shm://" + dir.resolve("orion.sock");
        if (!server.endpoints().containsKey("tcp") || !server.endpoints().containsKey("shm"))
            throw new IOException("transports did not open: " + server.endpoints());
    }

    public static ServerSettings testSettings() {
        return ServerSettings.defaults().withDisconnectGrace(Duration.ofMillis(300)).withTransportGrace(Duration.ofSeconds(30));
    }

    public String endpoint(String transport) {
        return transport.equals("tcp") ? tcpEndpoint : shmEndpoint;
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
