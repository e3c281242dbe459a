package io.orion.transport.rdma.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.ucx.Ucx;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native client's rdma transport (client/src/ucx, built by client/ucx.mk in this module's
 * build) with the client core's session engine, in its own process, against the real server:
 * a kernel and copies over UCX's shared memory with one-sided RDMA, and in messages.
 */
class NativeRdmaClientTest {
    private static final Path CLIENT = Path.of(System.getProperty("orion.client.dir", "../../client"));

    @BeforeAll
    static void ucx() {
        RdmaServer.requireUcx();
    }

    private static String run(String endpoint, String tls) throws IOException, InterruptedException {
        Path exe = CLIENT.resolve("target/ucx/tests/rdma_e2e");
        assertTrue(Files.isExecutable(exe), exe + " is built by client/ucx.mk (this module's build runs it)");
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), endpoint,
                Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), "vector_add.ptx").toString());
        pb.environment().put("ORION_UCX_PLUGIN", CLIENT.resolve("target/ucx/lib/liborion-ucx.so").toAbsolutePath().toString());
        pb.environment().put("LD_LIBRARY_PATH", System.getProperty(Ucx.LIBRARY_PATH_PROPERTY, ""));
        pb.environment().put("ORION_RDMA", "on"); // there is no RDMA device here: UCX's shared memory stands in
        pb.environment().put("UCX_TLS", tls);
        pb.environment().put("UCX_LOG_LEVEL", "error");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
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
}
