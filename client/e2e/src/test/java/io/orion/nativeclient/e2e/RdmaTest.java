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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rdma transport under unmodified programs: the platform offers rdma (UCX over its shared
 * memory, with one-sided RDMA into the server's region, since there is no RDMA hardware here;
 * ORION_RDMA=on lets the client use UCX without an RDMA device), and samples run through
 * orion-run pick it before TCP, say so, and compute what they compute over shm. A broken rdma
 * path falls back to TCP with a warning, at the start (nothing listening, or a UCX that cannot
 * reach the server's) and under a running program (its connection cut, or the rdma bundle stopped).
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
    void aClientWhoseUcxCannotReachTheServersFallsBackToTcpWithAWarning() throws Exception {
        // the platform's UCX offers shared memory only: a client limited to UCX's TCP shares no transport with it
        Program.Result r = direct("vector_add", rdma).env("UCX_TLS", "tcp").run();
        succeeded("vector_add", r);
        assertTrue(r.stderr().contains("WARN  RDMA to " + rdma + " does not work (the rdma server refused (999): the server's UCX cannot "
                + "reach this client's: Destination is unreachable"), "the warning names the cause:\n" + r.stderr());
        assertTrue(r.stderr().contains("using TCP " + platform.tcpEndpoint()), r.stderr());
    }

    @Test
    void anRdmaConnectionThatBreaksUnderTheProgramResumesOverTcp() throws Exception {
        // the rendezvous socket through a relay: its end is the connection's end for both sides
        try (CuttableProxy proxy = new CuttableProxy(platform.rdmaPort)) {
            String viaProxy = "rdma://127.0.0.1:" + proxy.port();
            OnRdma p = OnRdma.start(direct("vector_add", viaProxy, "6000000").env("ORION_GMEM", "512"), viaProxy);
            proxy.close(); // the rdma endpoint is gone for good: the client must move to TCP
            Program.Result r = p.end();
            succeeded("vector_add", r);
            assertTrue(r.stderr().contains("resuming the session") && r.stderr().contains("resumed the session with")
                    && r.stderr().contains("over " + platform.tcpEndpoint()), "resumed over TCP:\n" + r.stderr());
        }
    }

    /** As when an operator stops the bundle from the console: the program goes on over TCP; rdma comes back after. */
    @Test
    void stoppingTheRdmaBundleUnderTheProgramResumesItOverTcp() throws Exception {
        String id = bundleId("io.orion.transport.rdma");
        try {
            OnRdma p = OnRdma.start(direct("vector_add", rdma, "6000000").env("ORION_GMEM", "512"), rdma);
            String said = console("stop " + id);
            Program.Result r = p.end();
            succeeded("vector_add", r);
            assertTrue(r.stderr().contains("resuming the session") && r.stderr().contains("resumed the session with")
                    && r.stderr().contains("over " + platform.tcpEndpoint()), "resumed over TCP (console: " + said + "):\n" + r.stderr());
        } finally {
            console("start " + id);
            awaitRdmaListening(Duration.ofSeconds(30));
        }
        Program.Result again = direct("vector_add", rdma).run(); // and rdma serves new programs again
        succeeded("vector_add", again);
        assertTrue(again.stderr().contains("using RDMA " + rdma), again.stderr());
    }

    /** A program started through rdma, its stderr read as it comes; its start is seen before start() returns. */
    private record OnRdma(Process process, CompletableFuture<String> out, StringBuffer err, Thread errors) {
        static OnRdma start(Program program, String endpoint) throws Exception {
            Process p = program.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            StringBuffer err = new StringBuffer();
            CountDownLatch onRdma = new CountDownLatch(1);
            Thread errors = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        err.append(line).append('\n');
                        if (line.contains("using RDMA " + endpoint)) onRdma.countDown();
                    }
                } catch (IOException ended) {
                    // the program is gone
                }
            });
            // the vGPU's line comes once the session is open; the copies and the kernel follow
            if (!onRdma.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                errors.join(5000);
                throw new AssertionError("the program did not start over RDMA:\n" + err);
            }
            return new OnRdma(p, out, err, errors);
        }

        Program.Result end() throws Exception {
            boolean ended = process.waitFor(180, TimeUnit.SECONDS);
            if (!ended) process.destroyForcibly().waitFor();
            errors.join(5000);
            Program.Result r = new Program.Result(process.exitValue(), out.get(), err.toString(), process.pid());
            assertTrue(ended, "the program did not end:\n" + r);
            return r;
        }
    }

    /** One command through the platform's remote console (docs/console.md), its answer. */
    private static String console(String command) throws IOException {
        Matcher m = Pattern.compile("remote console on 127\\.0\\.0\\.1:(\\d+)").matcher(platformLog());
        assertTrue(m.find(), "the platform logs its console's port:\n" + platformLog());
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
            s.setSoTimeout(30_000);
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            var out = s.getOutputStream();
            out.write((command + "\nexit\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder b = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) b.append(line).append('\n');
            return b.toString();
        }
    }

    private static String platformLog() throws IOException {
        Path file = platform.home.resolve("logs/orion.log");
        return platform.log() + (Files.exists(file) ? Files.readString(file) : "");
    }

    /** The bundle's id, from the console's bundle list. */
    private static String bundleId(String symbolicName) throws IOException {
        String list = console("lb -s " + symbolicName);
        // "   42|Active     |    1|io.orion.transport.rdma (0.1.0.SNAPSHOT)|0.1.0.SNAPSHOT", maybe after the prompt
        Matcher m = Pattern.compile("(\\d+)\\s*\\|\\s*\\w+\\s*\\|\\s*\\d+\\s*\\|\\s*" + Pattern.quote(symbolicName) + "[\\s(|]").matcher(list);
        assertTrue(m.find(), symbolicName + " in the console's bundle list:\n" + list);
        return m.group(1);
    }

    /** Until the rdma transport listens on its port again (the node's list may still name it while it is stopped). */
    private static void awaitRdmaListening(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", platform.rdmaPort)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > end) throw new AssertionError("rdma did not listen again within " + timeout);
                Thread.sleep(100);
            }
        }
        platform.awaitRdma(timeout);
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
