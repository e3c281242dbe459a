package io.orion.nativeclient.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs a sample program (or a client tool) as a user would, with the Orion environment it is given. */
final class Program {
    private final List<String> command = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(120);

    record Result(int exit, String stdout, String stderr, long pid) {
        @Override public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static Path clientDir() { return Path.of(System.getProperty("orion.client.dir")); }

    /**
     * The sample programs samples/build-programs.sh compiled. A build told to go without nvcc
     * (-Dorion.samples.skip=true) has none: the test is skipped, saying why; otherwise a missing
     * directory or program fails the test naming the path, not as a bare "exit 127" of orion-run.
     */
    static Path samples() {
        Path dir = Path.of(System.getProperty("orion.samples.dir"));
        boolean skipped = Boolean.getBoolean("orion.samples.skip");
        Assumptions.assumeFalse(skipped && !Files.isDirectory(dir),
                "sample programs not built (-Dorion.samples.skip=true): " + dir + " does not exist");
        if (!Files.isDirectory(dir))
            throw new IllegalStateException("sample programs not found at " + dir.toAbsolutePath()
                    + "; the samples module builds them with nvcc (CUDA 13); build it first, or pass"
                    + " -Dorion.samples.skip=true to skip the tests that need them");
        return dir;
    }

    private static Path sampleProgram(String name) {
        Path p = samples().resolve(name);
        if (!Files.isExecutable(p))
            throw new IllegalStateException("sample program " + p.toAbsolutePath() + " not found (samples/build-programs.sh builds it)");
        return p;
    }

    /** {@code orion-run SAMPLE ARGS...}: the sample unmodified, with the client libraries first on the library path. */
    static Program sample(String name, String... args) {
        Program p = new Program();
        p.command.add(clientDir().resolve("bin/orion-run").toString());
        p.command.add(sampleProgram(name).toString());
        p.command.addAll(List.of(args));
        return p;
    }

    /** {@code orion-run PROGRAM ARGS...} for a program of client/e2e/src/test/c (client/Makefile builds them into target/e2e). */
    static Program e2e(String name, String... args) {
        Program p = new Program();
        p.command.add(clientDir().resolve("bin/orion-run").toString());
        p.command.add(clientDir().resolve("e2e").resolve(name).toString());
        p.command.addAll(List.of(args));
        return p;
    }

    static Program tool(String name, String... args) {
        Program p = new Program();
        p.command.add(clientDir().resolve("bin").resolve(name).toString());
        p.command.addAll(List.of(args));
        return p;
    }

    /**
     * The environment of every run: the controller of the test platform, and a client.conf that is
     * empty, so that a machine's /etc/orion/client.conf cannot change what is tested.
     */
    Program orion(Standalone platform) throws IOException {
        Path conf = Files.createTempFile("orion-client-", ".conf");
        conf.toFile().deleteOnExit();
        env.put("ORION_CLIENT_CONF", conf.toString());
        env.put("ORION_CONTROLLER", platform.controller());
        env.put("ORION_GMEM", "256");
        return this;
    }

    Program env(String key, String value) {
        if (value == null) env.remove(key);
        else env.put(key, value);
        return this;
    }

    Program timeout(Duration d) {
        timeout = d;
        return this;
    }

    Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ORION_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    Result run() throws Exception {
        return finish(start());
    }

    Result finish(Process p) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within " + timeout + "\n--- stdout\n" + out.get() + "--- stderr\n" + err.get());
        }
        return new Result(p.exitValue(), out.get(), err.get(), p.pid());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
