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
 * in a fresh directory under /dev/shm, REST on a free port; and rdma on a free loopback port over
 * UCX's shared memory, where UCX loads (the rdma tests wait for it, {@link #awaitRdma}; the others
 * never need it). One instance serves every test of the run ({@link #shared}); it stops when the
 * test JVM exits.
 */
final class Standalone implements AutoCloseable {
    /** Devices of the host backend: two, so that a program can have two vGPUs on different GPUs. */
    static final int DEVICES = 2;

    final Path home;
    final Path shmDir;
    final int httpPort;
    final int tcpPort;
    final int rdmaPort;
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
        rdmaPort = freePort();
        int consolePort = freePort();
        log = home.resolve("process.log");
        // Configuration Admin's own files, read before any component starts: the transports listen on
        // these addresses from the start (a deploy/*.cfg would arrive after they tried the defaults)
        writeConfig("io.orion.transport.tcp", "port=\"" + tcpPort + "\"", "bindAddress=\"127.0.0.1\"");
        writeConfig("io.orion.transport.shm", "directory=\"" + shmDir + "\"", "regionMiB=\"64\"");
        // UCX's shared-memory transport stands in for RDMA hardware (there is none here); the
        // region is small because every connected client pins one. Configuration Admin's files
        // escape '=' inside values: unescaped, the whole file is dropped without a word
        writeConfig("io.orion.transport.rdma", "port=\"" + rdmaPort + "\"", "bindAddress=\"127.0.0.1\"",
                "advertisedHost=\"127.0.0.1\"", "regionMiB=\"16\"", "ucx=[\"TLS\\=" + UCX_TLS + "\"]");
        writeConfig("io.orion.backend.host", "devices=\"" + DEVICES + "\"", "memoryMiB=\"1024\"");
        // heartbeats every second, so that usage (orion-smi's figures) is reported soon after a
        // program starts; a node is marked down only after ten silent seconds, as slow as CI gets
        writeConfig("io.orion.controller", "heartbeatSeconds=I\"1\"", "missedHeartbeats=I\"10\"");
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
                "-D" + UCX_LIBRARY_PATH + "=" + ucxLibraryPath(), "-jar", jar.toString()));
        Files.createDirectories(home.resolve("deploy"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("UCX_LOG_LEVEL", "error"); // JUCX 1.14 on UCX 1.13 warns once per context (docs/rdma.md)
        process = pb.start();
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

    /** UCX's transports for the rdma tests, the server's and the clients': shared memory, with one-sided RDMA. */
    static final String UCX_TLS = "shm";
    /** Where the platform and the clients find UCX (the project's .tools/ucx from bin/ensure-ucx; else the system's). */
    static final String UCX_LIBRARY_PATH = "orion.ucx.libraryPath";

    static String ucxLibraryPath() { return System.getProperty(UCX_LIBRARY_PATH, ""); }

    /**
     * Waits until the node offers its rdma endpoint; fails, saying how to set UCX up, when the
     * platform's rdma transport did not start (the rdma tests need UCX, as transports/rdma's do).
     */
    String awaitRdma(Duration timeout) throws Exception {
        String endpoint = "rdma://127.0.0.1:" + rdmaPort;
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get("api/v1/nodes");
            last = r.body();
            if (r.statusCode() == 200 && last.contains(endpoint)) return endpoint;
            Thread.sleep(100);
        }
        String said = log().lines().filter(l -> l.contains("rdma") || l.contains("UCX")).reduce("", (a, b) -> a + b + "\n");
        throw new AssertionError("the platform does not offer " + endpoint + " within " + timeout + ": the rdma tests need UCX. "
                + "Run bin/ensure-ucx once (Debian's UCX packages into .tools/ucx), or install UCX and pass -D" + UCX_LIBRARY_PATH
                + "=DIR. Nodes: " + last + "\nThe platform said:\n" + said);
    }

    String rdmaEndpoint() { return "rdma://127.0.0.1:" + rdmaPort; }

    String controller() { return "127.0.0.1:" + httpPort; }

    String tcpEndpoint() { return "tcp://127.0.0.1:" + tcpPort; }

    String shmEndpoint() { return "shm://" + shmDir.resolve("orion.sock"); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/" + path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a JSON body (or none) to the platform's REST API. */
    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/" + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
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
