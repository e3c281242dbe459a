package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user sees when there is no vGPU to be had, as Orion says it: the controller's refusal
 * with its reason, an unreachable controller or server, settings that make no sense, and a
 * program linked statically to the CUDA runtime. The program itself gets CUDA's "no device".
 * And calls with bad handles, pointers, sizes and configurations: CUDA's own error codes, and the
 * session and the server go on.
 */
class FailuresTest {
    private static Standalone platform;

    @BeforeAll
    static void platform() throws Exception {
        platform = Standalone.shared();
    }

    private static void refused(Program.Result r, String phrase) {
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains(phrase), "stderr lacks '" + phrase + "':\n" + r.stderr());
        assertTrue(r.stderr().contains("cudaErrorNoDevice"), "the program did not get CUDA's no-device error:\n" + r.stderr());
    }

    @Test
    void moreMemoryThanAnyGpuIsRefusedByTheControllerWithItsReason() throws Exception {
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_GMEM", "100000").run();
        refused(r, "Fail to get resource from controller: ");
        assertTrue(r.stderr().contains("100000"), "the reason names the memory asked for:\n" + r.stderr());
    }

    @Test
    void moreVgpusThanGpusIsRefused() throws Exception {
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_VGPU", String.valueOf(Standalone.DEVICES + 1)).run();
        refused(r, "Fail to get resource from controller: ");
    }

    @Test
    void unreachableController() throws Exception {
        int closed = Standalone.freePort();
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_CONTROLLER", "127.0.0.1:" + closed).run();
        refused(r, "Fail to get resource from controller: the controller at 127.0.0.1:" + closed + " is unreachable");
    }

    @Test
    void unreachableServer() throws Exception {
        int closed = Standalone.freePort();
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_CONTROLLER", null)
                .env("ORION_SERVER", "tcp://127.0.0.1:" + closed).run();
        refused(r, "unreachable");
        assertTrue(r.stderr().contains("127.0.0.1:" + closed), r.stderr());
    }

    @Test
    void memoryPerVgpuMustBeGiven() throws Exception {
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_GMEM", null).run();
        refused(r, "ORION_GMEM is not set");
    }

    @Test
    void badSettingsAreNamedWithTheirValue() throws Exception {
        Program.Result r = Program.sample("device_query").orion(platform).env("ORION_VGPU", "many").env("ORION_RATIO", "150").run();
        refused(r, "ORION_VGPU='many'");
        assertTrue(r.stderr().contains("ORION_RATIO='150'"), r.stderr());
    }

    @Test
    void networkOffAllowsSharedMemoryOnly() throws Exception {
        Program.Result r = Program.sample("vector_add").orion(platform).env("ORION_ENABLE_NET", "0").env("ORION_TRANSPORT", "tcp").run();
        refused(r, "enable_net = 0");
        Program.Result ok = Program.sample("vector_add").orion(platform).env("ORION_ENABLE_NET", "0").run();
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.stderr().contains("using SHM"), ok.stderr());
    }

    @Test
    void staticallyLinkedProgramIsNamedAndNotRun() throws Exception {
        Program.Result r = Program.sample("static_vector_add").orion(platform).run();
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stderr().contains("static_vector_add is statically linked to the CUDA runtime"), r.stderr());
        assertTrue(r.stdout().isEmpty(), "the program ran: " + r.stdout());
    }

    @Test
    void staticallyLinkedProgramForcedToRunMeetsTheSameMessageFromTheDriver() throws Exception {
        Program.Result r = Program.tool("orion-run", "--force", Program.samples().resolve("static_vector_add").toString())
                .orion(platform).run();
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.stderr().contains("ERROR") && r.stderr().contains("is statically linked to the CUDA runtime"),
                "NVIDIA's runtime asked the Orion driver for its export table and was told why it cannot work:\n" + r.stderr());
        SamplesTest.assertNoAllocation("static_vector_add"); // it never reached Orion's runtime
    }

    /**
     * client/e2e/src/test/c/bad_inputs.c: made-up and destroyed streams and events, wild and
     * out-of-range pointers in copies, memsets and frees, a 4096-thread block, allocations beyond
     * the quota; each gets CUDA's exact error, and afterwards a kernel still computes the right
     * sums in the same session. The server is still there for the next program.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shm", "tcp"})
    void badInputsGetCudasErrorsAndTheSessionGoesOn(String transport) throws Exception {
        String fatbin = Program.samples().resolveSibling("kernels").resolve("vector_add.fatbin").toString();
        Program.Result r = Program.e2e("bad_inputs", fatbin).orion(platform).env("ORION_TRANSPORT", transport).env("ORION_GMEM", "64").run();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().endsWith("bad_inputs: ok\n"), r.toString());
        assertTrue(r.stderr().contains("using " + transport.toUpperCase()), r.stderr());
        SamplesTest.assertNoAllocation("bad_inputs");
        assertEquals(200, platform.get("health").statusCode(), "the platform's health after bad_inputs");
        Program.Result next = Program.sample("vector_add").orion(platform).env("ORION_TRANSPORT", transport).run();
        assertEquals(0, next.exit(), "the server serves the next program:\n" + next);
    }
}
