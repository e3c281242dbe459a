package io.orion.transport.rdma.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.ucx.Ucx;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native client's rdma transport (client/src/ucx, built by client/ucx.mk in this module's
 * build) with the client core's session engine, in its own process, against the real server:
 * a kernel and copies over UCX's shared memory with one-sided RDMA, and in messages; and against
 * a rendezvous whose UCX path is broken, which must fail within the connect timeout, saying so.
 */
class NativeRdmaClientTest {
    private static final Path CLIENT = Path.of(System.getProperty("orion.client.dir", "../../client"));

    @BeforeAll
    static void ucx() {
        RdmaServer.requireUcx();
    }

    private static String run(String endpoint, String tls) throws IOException, InterruptedException {
        return run(endpoint, tls, "on", 0);
    }

    private static String run(String endpoint, String tls, String mode, int exit) throws IOException, InterruptedException {
        return run(endpoint, tls, mode, exit, Map.of());
    }

    private static String run(String endpoint, String tls, String mode, int exit, Map<String, String> env)
            throws IOException, InterruptedException {
        Path exe = CLIENT.resolve("target/ucx/tests/rdma_e2e");
        assertTrue(Files.isExecutable(exe), exe + " is built by client/ucx.mk (this module's build runs it)");
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), endpoint,
                Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), "vector_add.ptx").toString());
        pb.environment().put("ORION_UCX_PLUGIN", CLIENT.resolve("target/ucx/lib/liborion-ucx.so").toAbsolutePath().toString());
        pb.environment().put("LD_LIBRARY_PATH", System.getProperty(Ucx.LIBRARY_PATH_PROPERTY, ""));
        pb.environment().put("ORION_RDMA", mode); // "on": there is no RDMA device here, UCX's shared memory stands in
        pb.environment().put("UCX_TLS", tls);
        pb.environment().put("UCX_LOG_LEVEL", "error");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    /** Left to decide (auto), the client declines rdma to a server without an RDMA device, warning that it falls back. */
    @org.junit.jupiter.api.Test
    void withoutDevicesTheClientDeclinesRdma() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.exists(Path.of("/sys/class/infiniband")), "this node has RDMA devices");
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withUcx("TLS=shm"), false)) {
            String out = run(fx.rdma.endpoint(), "shm", "auto", 1);
            assertTrue(out.contains("usable=0 (UCX sees no RDMA device on this node"), out);
            assertTrue(out.contains("WARN  RDMA to " + fx.rdma.endpoint() + " does not work (the server's node has no RDMA device"), out);
            assertTrue(out.contains("FAILED: connect"), out);
        }
    }

    @ParameterizedTest(name = "UCX_TLS={0}, RMA {1}")
    @CsvSource({"shm, true", "shm, false", "tcp, false"})
    void aKernelAndCopiesThroughTheNativeClient(String tls, boolean rma) throws Exception {
        try (RdmaServer fx = new RdmaServer(RdmaSettings.defaults().withRma(rma).withUcx("TLS=" + tls), false)) {
            String out = run(fx.rdma.endpoint(), tls);
            assertTrue(out.contains("usable=1 (ORION_RDMA=on"), out);
            assertTrue(out.contains("ok rdma region=" + (rma ? 1 : 0)), out);
        }
    }

    /**
     * The rendezvous works, UCX's path behind it does not: the server's worker never answers
     * (SILENT) or is gone (GONE). The client must say so within its connect timeout (2 s here),
     * naming UCX's transports, instead of waiting for ever on a server whose socket looks alive.
     */
    @ParameterizedTest(name = "UCX_TLS={0}, {1}")
    @CsvSource({"shm, SILENT, no reply from", "tcp, SILENT, UCX cannot reach the server", "tcp, GONE, UCX cannot reach the server"})
    void aBrokenUcxPathBehindAWorkingRendezvousFailsWithinTheTimeout(String tls, BrokenPathServer.Mode mode, String says)
            throws Exception {
        try (BrokenPathServer fx = new BrokenPathServer(mode, "TLS=" + tls)) {
            long t0 = System.nanoTime();
            String out = run(fx.endpoint(), tls, "on", 1, Map.of("ORION_TIMEOUT_MS", "2000"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(out.contains(says), out);
            assertTrue(ms < 15_000, "failed after " + ms + " ms, not within the 2 s timeout (and the process's start):\n" + out);
        }
    }
}
