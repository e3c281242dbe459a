package io.orion.transport.rdma.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.ucx.Ucx;
import io.orion.ucx.UcxConfig;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client in another process, as in real use: one-sided RDMA between two address spaces over
 * UCX's shared memory, and a client killed mid-session is noticed and its memory freed at once.
 */
class CrossProcessTest {
    @BeforeAll
    static void ucx() {
        RdmaServer.requireUcx();
    }

    private static Process child(String endpoint, String mode) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-D" + Ucx.LIBRARY_PATH_PROPERTY + "=" + System.getProperty(Ucx.LIBRARY_PATH_PROPERTY, ""),
                "-D" + UcxConfig.CLIENT_PROPERTY + "=TLS=shm",
                "-Dorion.samples.kernels=" + System.getProperty("orion.samples.kernels", "../../samples/target/kernels"),
                ChildClient.class.getName(), endpoint, mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("UCX_LOG_LEVEL", "error");
        return pb.start();
    }

    @Test
    void aClientInAnotherProcessComputesThroughTheRegion() throws Exception {
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=shm"), false)) {
            Process p = child(fx.rdma.endpoint(), "run");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals("ok rdma shared=true", out);
            assertEquals(0, p.exitValue());
        }
    }

    @Test
    void aKilledClientIsFreedWithinASecond() throws Exception {
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=shm"), false)) {
            Process p = child(fx.rdma.endpoint(), "hold");
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready rdma", r.readLine());
            assertEquals(1, fx.server.sessions().size());
            assertEquals(3L * 4 * (1 << 18), fx.server.sessions().get(0).vgpus().get(0).memoryUsedBytes());
            long t0 = System.nanoTime();
            p.destroyForcibly().waitFor();
            while (!fx.server.sessions().isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(10);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(fx.server.sessions().isEmpty(), "the session is still there after " + ms + " ms");
            assertTrue(ms < 1000, "freed after " + ms + " ms");
        }
    }
}
