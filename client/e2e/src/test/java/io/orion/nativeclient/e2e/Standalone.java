package io.orion.nativeclient.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The standalone role jar as its own process, as {@code bin/orion standalone} runs it: controller,
 * node agent, server, host backend with two devices, TCP on a free loopback port and shared memory
 * in a fresh directory under /dev/shm, REST on a free port. One instance serves every test of the
 * run ({@link #shared}); it stops when the test JVM exits.
 */
final class Standalone implements AutoCloseable {
    /** Devices of the host backend: two, so that a program can have two vGPUs on different GPUs. */
    static final int DEVICES = 2;

    final Path home;
    final Path shmDir;
    final int httpPort;
    final int tcpPort;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Standalone shared;

    /** The platform all tests use, started on first use. */
    static synchronized Standalone shared() throws Exception {
        if (shared == null) {
            shared = new Standalone();
            Standalone s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Standalone() throws Exception {
        home = Files.createTempDirectory("orion-native-e2e-");
        shmDir = Files.createTempDirectory(Path.of("/dev/shm"), "orion-native-e2e-");
        httpPort = freePort();
        tcpPort = freePort();
        int consolePort = freePort();
        log = home.resolve("process.log");
        // Configuration Admin's own files, read before any component starts: the transports listen on
        // these addresses from the start (a deploy/*.cfg would arrive after they tried the defaults)
        writeConfig("io.orion.transport.tcp", "port=\"" + tcpPort + "\"", "bindAddress=\"127.0.0.1\"");
        writeConfig("io.orion.transport.shm", "directory=\"" + shmDir + "\"", "regionMiB=\"64\"");
        writeConfig("io.orion.backend.host", "devices=\"" + DEVICES + "\"", "memoryMiB=\"1024\"");
        // the tests also use the server without a controller (ORION_SERVER), which needs automatic grants
        writeConfig("io.orion.server", "autoGrant=\"true\"");
        Path jar = Path.of(System.getProperty("orion.launcher.dir"), "target", "standalone.jar");
        if (!Files.exists(jar)) throw new AssertionError(jar + " is missing: build the launcher first (bin/build)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dgosh.args=--nointeractive", "-Dorion.role=standalone", "-Dorion.home=" + home,
                "-Dorg.osgi.service.http.port=" + httpPort, "-Dorion.console.port=" + consolePort,
                "-Dfelix.fileinstall.dir=" + home.resolve("deploy"), "-Dfelix.cm.dir=" + home.resolve("config"),
                "-Dorg.osgi.framework.storage=" + home.resolve("cache"), "-Dorion.log.file=" + home.resolve("logs/orion.log"),
                "-jar", jar.toString()));
        Files.createDirectories(home.resolve("deploy"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitNode(Duration.ofSeconds(90));
    }

    private void writeConfig(String pid, String... lines) throws IOException {
        Path f = home.resolve("config").resolve(pid.replace('.', '/') + ".config");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "service.pid=\"" + pid + "\"\n" + String.join("\n", lines) + "\n");
    }

    /** Waits until the node agent has registered this node with both transports and every device. */
    private void awaitNode(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            if (!process.isAlive()) throw new AssertionError("the standalone platform exited with " + process.exitValue() + ":\n" + log());
            try {
                HttpResponse<String> r = get("api/v1/nodes");
                last = r.body();
                if (r.statusCode() == 200 && last.contains("tcp://127.0.0.1:" + tcpPort) && last.contains("shm://" + shmDir)
                        && last.split("GPU-", -1).length - 1 >= DEVICES)
                    return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the node did not join the pool with its transports within " + timeout + "; nodes: " + last
                + "\n" + log());
    }

    String controller() { return "127.0.0.1:" + httpPort; }

    String tcpEndpoint() { return "tcp://127.0.0.1:" + tcpPort; }

    String shmEndpoint() { return "shm://" + shmDir.resolve("orion.sock"); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/" + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The allocations the controller holds now (JSON). */
    String allocations() throws IOException, InterruptedException {
        return get("api/v1/allocations").body();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Path dir : List.of(home, shmDir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary directory left behind is no failure of the tests
            }
        }
    }
}
