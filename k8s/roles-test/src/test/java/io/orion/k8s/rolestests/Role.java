package io.orion.k8s.rolestests;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A role jar as its own process, started with the system properties bin/orion gives it, a
 * deploy/ folder of .cfg files (as the chart's ConfigMaps) and environment variables (as the
 * chart's env), on free ports.
 */
final class Role implements AutoCloseable {
    final String role;
    final Path home;
    final int httpPort;
    private final int consolePort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    Role(String role, Path home, Map<String, String> configs) throws IOException {
        this(role, home, freePort(), freePort(), configs);
    }

    /** A role on the given ports (a manifest's ORION_HTTP_PORT and ORION_CONSOLE_PORT, or stand-ins). */
    Role(String role, Path home, int httpPort, int consolePort, Map<String, String> configs) throws IOException {
        this.role = role;
        this.home = home;
        this.httpPort = httpPort;
        this.consolePort = consolePort;
        this.log = home.resolve("process.log");
        Files.createDirectories(home.resolve("deploy"));
        for (Map.Entry<String, String> c : configs.entrySet()) Files.writeString(home.resolve("deploy").resolve(c.getKey() + ".cfg"), c.getValue());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Role start(Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("orion.launcher.dir"), "target", role + ".jar");
        if (!Files.exists(jar)) throw new AssertionError(jar + " is missing: build the launcher first");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-Dgosh.args=--nointeractive", "-Dorion.role=" + role, "-Dorion.home=" + home,
                "-Dorg.osgi.service.http.port=" + httpPort, "-Dorion.console.port=" + consolePort,
                "-Dfelix.fileinstall.dir=" + home.resolve("deploy"), "-Dfelix.cm.dir=" + home.resolve("config"),
                "-Dorg.osgi.framework.storage=" + home.resolve("cache"), "-Dorion.log.file=" + home.resolve("logs/orion.log"),
                "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    /**
     * Runs a command line as a container would (bin/orion, the image's entrypoint, instead of
     * java -jar), its output in this role's log, with exactly this environment added.
     */
    Role exec(List<String> command, Map<String, String> env) throws IOException {
        Path jar = Path.of(System.getProperty("orion.launcher.dir"), "target", role + ".jar");
        if (!Files.exists(jar)) throw new AssertionError(jar + " is missing: build the launcher first");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10));
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The runtime's own log ($ORION_HOME/logs/orion.log): what operators read with kubectl logs, without the JVM's noise. */
    String orionLog() {
        Path f = home.resolve("logs/orion.log");
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The WARN and ERROR lines of the runtime's log. */
    List<String> problems() {
        return orionLog().lines().filter(l -> l.matches("^\\S+ \\S+ (WARN|ERROR) .*")).toList();
    }

    /** Waits until the platform core has reported the settled start ("started: ..."), the end of a role's start. */
    void awaitStarted() throws InterruptedException {
        await("the core's start-up report", Duration.ofSeconds(90), () -> orionLog().contains("i.o.c.i.PlatformCore - started: "));
    }

    /** Writes (or replaces) a deploy/PID.cfg file, as an operator editing the chart's ConfigMap. */
    void configure(String pid, String content) throws IOException {
        Path tmp = home.resolve(pid + ".cfg.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, home.resolve("deploy").resolve(pid + ".cfg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits for a condition while the process lives; the log in the message when it does not come. */
    void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) throw new AssertionError(role + " exited with " + process.exitValue() + " waiting for " + what + ":\n" + log());
            if (System.nanoTime() > end) throw new AssertionError(role + ": timed out after " + timeout + " waiting for " + what + ":\n" + log());
            Thread.sleep(100);
        }
    }

    /** SIGKILL: as a pod whose node died; nothing is released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) kill();
        }
    }
}
