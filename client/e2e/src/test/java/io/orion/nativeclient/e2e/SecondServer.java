package io.orion.nativeclient.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second node for the {@link Standalone} platform's pool: the server role jar as its own
 * process, as {@code bin/orion server} runs it on another machine, joining the same controller
 * under its own node name (and host name, which the host backend's GPU UUIDs are made of), with a
 * host backend of one device, TCP on a free loopback port and shared memory in a fresh directory.
 * Closing it stops the process and removes the node from the pool, so that the platform's pool is
 * what the other tests expect again.
 */
final class SecondServer implements AutoCloseable {
    static final String NODE = "e2e-second";
    static final String SERVER_NAME = "orion-second";

    private final Standalone platform;
    private final Path home;
    private final Path shmDir;
    final int tcpPort;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    SecondServer(Standalone platform) throws Exception {
        this.platform = platform;
        home = Files.createTempDirectory("orion-native-e2e-second-");
        shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "orion-native-e2e-second-");
        tcpPort = Standalone.freePort();
        int httpPort = Standalone.freePort(), consolePort = Standalone.freePort(), rdmaPort = Standalone.freePort();
        log = home.resolve("process.log");
        writeConfig("io.orion.agent", "controller=\"http://" + platform.controller() + "\"", "nodeName=\"" + NODE + "\"",
                "address=\"127.0.0.1\"");
        writeConfig("io.orion.server", "serverName=\"" + SERVER_NAME + "\"");
        writeConfig("io.orion.transport.tcp", "port=\"" + tcpPort + "\"", "bindAddress=\"127.0.0.1\"");
        writeConfig("io.orion.transport.shm", "directory=\"" + shmDir + "\"", "regionMiB=\"64\"");
        // never the standalone platform's rdma port (the default one may be taken by it or anything else)
        writeConfig("io.orion.transport.rdma", "port=\"" + rdmaPort + "\"", "bindAddress=\"127.0.0.1\"", "advertisedHost=\"127.0.0.1\"",
                "regionMiB=\"16\"", "ucx=[\"TLS\\=" + Standalone.UCX_TLS + "\"]");
        writeConfig("io.orion.backend.host", "devices=\"1\"", "memoryMiB=\"1024\"");
        Path jar = Path.of(System.getProperty("orion.launcher.dir"), "target", "server.jar");
        if (!Files.exists(jar)) throw new AssertionError(jar + " is missing: build the launcher first (bin/build)");
        Files.createDirectories(home.resolve("deploy"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dgosh.args=--nointeractive", "-Dorion.role=server", "-Dorion.home=" + home,
                "-Dorg.osgi.service.http.port=" + httpPort, "-Dorion.console.port=" + consolePort,
                "-Dfelix.fileinstall.dir=" + home.resolve("deploy"), "-Dfelix.cm.dir=" + home.resolve("config"),
                "-Dorg.osgi.framework.storage=" + home.resolve("cache"), "-Dorion.log.file=" + home.resolve("logs/orion.log"),
                "-D" + Standalone.UCX_LIBRARY_PATH + "=" + Standalone.ucxLibraryPath(), "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the host backend names its GPUs after the host: another host name, other GPUs for the pool
        pb.environment().put("HOSTNAME", NODE);
        pb.environment().put("UCX_LOG_LEVEL", "error");
        process = pb.start();
        awaitNode(Duration.ofSeconds(90));
    }

    private void writeConfig(String pid, String... lines) throws IOException {
        Path f = home.resolve("config").resolve(pid.replace('.', '/') + ".config");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "service.pid=\"" + pid + "\"\n" + String.join("\n", lines) + "\n");
    }

    /** Waits until the controller lists this node, up, with its TCP and shm endpoints. */
    private void awaitNode(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            if (!process.isAlive()) throw new AssertionError("the second server exited with " + process.exitValue() + ":\n" + log());
            HttpResponse<String> r = platform.get("api/v1/nodes/" + NODE);
            last = r.body();
            if (r.statusCode() == 200 && last.contains("\"up\"") && last.contains("tcp://127.0.0.1:" + tcpPort) && last.contains("shm://" + shmDir))
                return;
            Thread.sleep(100);
        }
        throw new AssertionError("the second server's node did not join the pool within " + timeout + ": " + last + "\n" + log());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
        // gone for good: its GPU must not count for the tests that come next
        HttpRequest del = HttpRequest.newBuilder(URI.create("http://" + platform.controller() + "/api/v1/nodes/" + NODE))
                .timeout(Duration.ofSeconds(10)).DELETE().build();
        http.send(del, HttpResponse.BodyHandlers.discarding());
        for (Path dir : List.of(home, shmDir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary directory left behind is no failure of the tests
            }
        }
    }
}
