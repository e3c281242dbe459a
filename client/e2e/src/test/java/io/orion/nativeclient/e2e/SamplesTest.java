package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every sample program, unmodified, through orion-run against the standalone platform on the host
 * backend: over shared memory and over TCP, each run checks its own results (exit status 0 and its
 * closing "ok" line), the two runs print exactly the same, the client says which transport it
 * chose, and the vGPU is released when the program ends.
 */
class SamplesTest {
    private static Standalone platform;

    @BeforeAll
    static void platform() throws Exception {
        platform = Standalone.shared();
    }

    private static Program.Result run(String sample, String transport, String... env) throws Exception {
        Program p = Program.sample(sample).orion(platform).env("ORION_TRANSPORT", transport);
        for (int i = 0; i + 1 < env.length; i += 2) p.env(env[i], env[i + 1]);
        Program.Result r = p.run();
        assertEquals(0, r.exit(), sample + " over " + transport + " failed:\n" + r);
        assertTrue(r.stdout().endsWith(sample + ": ok\n"), sample + " over " + transport + " did not finish with its ok line:\n" + r);
        String chosen = transport.equals("shm") ? "using SHM" : "using TCP";
        assertTrue(r.stderr().contains(chosen), "the client did not say '" + chosen + "':\n" + r.stderr());
        assertNoAllocation(sample);
        return r;
    }

    /** The client released its allocation before its process ended (at exit, not by lease expiry). */
    static void assertNoAllocation(String after) throws Exception {
        String a = Standalone.shared().allocations(); // not this class's field: other classes call it before it is set
        assertFalse(a.contains("alloc-"), "an allocation is still held after " + after + " ended: " + a);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"device_query", "vector_add", "matmul", "streams_events", "memset_2d", "reduction", "histogram",
            "quota_probe", "driver_vector_add"})
    void runsOverSharedMemoryAndTcpWithTheSameOutput(String sample) throws Exception {
        Program.Result shm = run(sample, "shm");
        Program.Result tcp = run(sample, "tcp");
        assertEquals(shm.stdout(), tcp.stdout(), sample + " printed differently over shm and tcp");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shm", "tcp"})
    void twoVgpusOnTwoGpusCopyBetweenEachOther(String transport) throws Exception {
        Program.Result r = run("peer_copy", transport, "ORION_VGPU", "2");
        assertTrue(r.stdout().startsWith("peer_copy: 2 devices"), r.toString());
        assertEquals(2, r.stderr().split("using " + transport.toUpperCase(), -1).length - 1,
                "two vGPUs, each reached over " + transport + ":\n" + r.stderr());
    }

    @Test
    void largerSizesAcrossFramesAndStagingPieces() throws Exception {
        // vectors of 10 MiB and 20 bytes: 11 TCP frames; over shm three 4 MiB staging pieces, which
        // alternate between the two halves of the staging room (one refilled while the server
        // copies the other), the last one short
        for (String t : new String[] {"shm", "tcp"}) {
            Program.Result r = Program.sample("vector_add", "2621445").orion(platform).env("ORION_TRANSPORT", t).run();
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.stdout().contains("2621445 elements"), r.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shm", "tcp"})
    void straightToAServerWithoutController(String transport) throws Exception {
        String endpoint = transport.equals("shm") ? platform.shmEndpoint() : platform.tcpEndpoint();
        Program.Result r = Program.sample("vector_add").orion(platform).env("ORION_CONTROLLER", null)
                .env("ORION_SERVER", endpoint).run();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("using " + transport.toUpperCase()), r.stderr());
        assertTrue(r.stderr().contains("auto-"), "an automatic vGPU of the server: " + r.stderr());
    }
}
