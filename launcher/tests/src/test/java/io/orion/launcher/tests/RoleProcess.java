package io.orion.launcher.tests;

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
import java.util.List;

/** A role jar running as its own process, on free ports, with its own home folder. */
final class RoleProcess implements AutoCloseable {

    final String role;
    final Path home;
    final int httpPort;
    final int consolePort;
    private final Path log;
    private Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    RoleProcess(String role, Path home) throws IOException {
        this.role = role;
        this.home = home;
        this.httpPort = freePort();
        this.consolePort = freePort();
        this.log = home.resolve("process.log");
        Files.createDirectories(home.resolve("deploy"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the role jar as bin/orion would, headless; returns once /health answers. */
    RoleProcess start(Duration timeout) throws Exception {
        Path jar = Path.of(System.getProperty("orion.launcher.dir"), "target", role + ".jar");
        if (!Files.exists(jar)) throw new AssertionError(jar + " is missing: build the launcher first");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-Dgosh.args=--nointeractive", "-Dorion.role=" + role, "-Dorion.home=" + home,
                "-Dorg.osgi.service.http.port=" + httpPort, "-Dorion.console.port=" + consolePort,
                "-Dfelix.fileinstall.dir=" + home.resolve("deploy"), "-Dfelix.cm.dir=" + home.resolve("config"),
                "-Dorg.osgi.framework.storage=" + home.resolve("cache"), "-Dorion.log.file=" + home.resolve("logs/orion.log"),
                "-jar", jar.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) throw new AssertionError(role + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            try {
                // healthy, and where the role holds the pool its API is registered too
                if (get("health").statusCode() == 200 && (role.equals("server") || get("api/v1/pool").statusCode() == 200)) return this;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError(role + " not healthy after " + timeout + ":\n" + Files.readString(log));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/" + path)).timeout(Duration.ofSeconds(10));
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) kill();
        }
    }
}
