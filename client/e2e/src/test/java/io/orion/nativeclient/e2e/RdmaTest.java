package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rdma transport under unmodified programs: the platform offers rdma (UCX over its shared
 * memory, with one-sided RDMA into the server's region, since there is no RDMA hardware here;
 * ORION_RDMA=on lets the client use UCX without an RDMA device), and samples run through
 * orion-run pick it before TCP, say so, and compute what they compute over shm. A broken rdma
 * path falls back to TCP with a warning, at the start and under a running program.
 */
class RdmaTest {
    private static Standalone platform;
    private static String rdma;

    @BeforeAll
    static void platform() throws Exception {
        platform = Standalone.shared();
        assertTrue(Files.exists(Program.clientDir().resolve("lib/liborion-ucx.so")),
                "client/target/lib/liborion-ucx.so is built by client/Makefile where UCX's headers are (bin/ensure-ucx)");
        rdma = platform.awaitRdma(Duration.ofSeconds(30));
    }

    /** A program with the rdma settings: UCX from where the platform has it, its shared memory, RDMA allowed without a device. */
    private static Program overUcx(Program p) {
        return p.env("ORION_RDMA", "on").env("UCX_TLS", Standalone.UCX_TLS).env("UCX_LOG_LEVEL", "error")
                .env("LD_LIBRARY_PATH", Standalone.ucxLibraryPath());
    }

    /** Straight to the server, offering rdma and tcp: the client chooses. */
    private static Program direct(String sample, String rdmaEndpoint, String... args) throws Exception {
        return overUcx(Program.sample(sample, args).orion(platform)).env("ORION_CONTROLLER", null)
                .env("ORION_SERVER", rdmaEndpoint + "," + platform.tcpEndpoint());
    }

    private static void succeeded(String sample, Program.Result r) {
        assertEquals(0, r.exit(), sample + " failed:\n" + r);
        assertTrue(r.stdout().endsWith(sample + ": ok\n"), sample + " did not finish with its ok line:\n" + r);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vector_add", "matmul", "streams_events"})
    void rdmaIsChosenBeforeTcpAndComputesWhatShmComputes(String sample) throws Exception {
        Program.Result r = direct(sample, rdma).run();
        succeeded(sample, r);
        assertTrue(r.stderr().contains("RDMA may be used: ORION_RDMA=on"), "the decision is logged:\n" + r.stderr());
        assertTrue(r.stderr().contains("using RDMA " + rdma + " (16 MiB region, one-sided RDMA)"), "RDMA chosen:\n" + r.stderr());
        Program.Result shm = Program.sample(sample).orion(platform).env("ORION_TRANSPORT", "shm").run();
        succeeded(sample, shm);
        assertEquals(shm.stdout(), r.stdout(), sample + " printed differently over rdma and shm");
    }

    @Test
    void forcedRdmaTakesTheControllersRdmaEndpoint() throws Exception {
        Program.Result r = overUcx(Program.sample("vector_add").orion(platform)).env("ORION_TRANSPORT", "rdma").run();
        succeeded("vector_add", r);
        assertTrue(r.stderr().contains("using RDMA " + rdma), "the grant's rdma endpoint, though the server is local:\n" + r.stderr());
        String held = platform.allocations();
        assertFalse(held.contains("alloc-"), "the allocation is released at exit: " + held);
    }

    @Test
    void forcedRdmaThatCannotBeUsedIsAClearError() throws Exception {
        Program.Result r = overUcx(Program.sample("device_query").orion(platform)).env("ORION_TRANSPORT", "rdma").env("ORION_RDMA", "off").run();
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains(rdma + ": ORION_TRANSPORT=rdma, but RDMA cannot be used: ORION_RDMA=off"), r.stderr());
    }

    @Test
    void leftToDecideWithoutAnRdmaDeviceTheClientUsesTcp() throws Exception {
        assumeFalse(Files.exists(Path.of("/sys/class/infiniband")), "this node has RDMA devices");
        Program.Result r = direct("vector_add", rdma).env("ORION_RDMA", null).run();
        succeeded("vector_add", r);
        assertTrue(r.stderr().contains("INFO  RDMA is not used: UCX sees no RDMA device on this node"), r.stderr());
        assertTrue(r.stderr().contains("using TCP " + platform.tcpEndpoint()), r.stderr());
    }

    @Test
    void anUnreachableRdmaEndpointFallsBackToTcpWithAWarning() throws Exception {
        String closed = "rdma://127.0.0.1:" + Standalone.freePort();
        Program.Result r = direct("vector_add", closed).run();
        succeeded("vector_add", r);
        assertTrue(r.stderr().contains("WARN  RDMA to " + closed + " does not work (cannot reach the rdma rendezvous"), r.stderr());
        assertTrue(r.stderr().contains("using TCP " + platform.tcpEndpoint()), r.stderr());
    }

    @Test
    void anRdmaConnectionThatBreaksUnderTheProgramResumesOverTcp() throws Exception {
        // the rendezvous socket through a relay: its end is the connection's end for both sides
        try (CuttableProxy proxy = new CuttableProxy(platform.rdmaPort)) {
            String viaProxy = "rdma://127.0.0.1:" + proxy.port();
            Process p = direct("vector_add", viaProxy, "6000000").env("ORION_GMEM", "512").start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            StringBuffer err = new StringBuffer();
            CountDownLatch onRdma = new CountDownLatch(1);
            Thread errors = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        err.append(line).append('\n');
                        if (line.contains("using RDMA " + viaProxy)) onRdma.countDown();
                    }
                } catch (IOException ended) {
                    // the program is gone
                }
            });
            // the vGPU's line comes once the session is open; the copies and the kernel follow
            boolean started = onRdma.await(60, TimeUnit.SECONDS);
            proxy.close(); // the rdma endpoint is gone for good: the client must move to TCP
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) p.destroyForcibly().waitFor();
            errors.join(5000);
            Program.Result r = new Program.Result(p.exitValue(), out.get(), err.toString(), p.pid());
            assertTrue(started && ended, "vector_add did not start over RDMA, or did not end:\n" + r);
            succeeded("vector_add", r);
            assertTrue(r.stderr().contains("resuming the session") && r.stderr().contains("resumed the session with")
                    && r.stderr().contains("over " + platform.tcpEndpoint()), "resumed over TCP:\n" + r.stderr());
        }
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
