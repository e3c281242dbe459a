package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** orion-smi while a program runs, orion-run's check, and the release of a vGPU when the program is signalled. */
class ToolsTest {
    private static Standalone platform;

    @BeforeAll
    static void platform() throws Exception {
        platform = Standalone.shared();
    }

    /** A run long enough to be watched: a large vector add on the interpreter takes seconds. */
    private static Process longRun() throws Exception {
        return Program.sample("vector_add", "12000000").orion(platform).env("ORION_GMEM", "600").start();
    }

    private static void awaitAllocation(Process p) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end && p.isAlive()) {
            if (platform.allocations().contains("\"" + p.pid() + "@")) return;
            Thread.sleep(50);
        }
        throw new AssertionError("process " + p.pid() + " never held an allocation: " + platform.allocations());
    }

    @Test
    void orionSmiShowsTheVgpuAndItsProcessWhileTheProgramRuns() throws Exception {
        Process p = longRun();
        try {
            awaitAllocation(p);
            Program.Result smi = Program.tool("orion-smi", "-c", platform.controller()).orion(platform).run();
            assertEquals(0, smi.exit(), smi.toString());
            assertTrue(smi.stdout().contains(p.pid() + "@"), "orion-smi does not show process " + p.pid() + ":\n" + smi.stdout());
            assertTrue(smi.stdout().contains("/600"), "orion-smi does not show the 600 MiB quota:\n" + smi.stdout());
            Program.Result json = Program.tool("orion-smi", "--json").orion(platform).run();
            assertTrue(json.stdout().startsWith("{\"controller\":\"" + platform.controller() + "\"") && json.stdout().contains("\"vgpus\":["),
                    json.toString());
        } finally {
            Program.Result r = Program.sample("vector_add").finish(p);
            assertEquals(0, r.exit(), r.toString());
        }
        Program.Result after = Program.tool("orion-smi").orion(platform).run();
        assertTrue(after.stdout().contains("(no vGPUs are allocated)"), after.stdout());
    }

    @Test
    void aSignalledProgramReleasesItsVgpus() throws Exception {
        Process p = longRun();
        awaitAllocation(p);
        p.destroy(); // SIGTERM: the program's default action, so no exit handlers; the client's handler releases
        p.waitFor();
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end && platform.allocations().contains("\"" + p.pid() + "@")) Thread.sleep(50);
        assertFalse(platform.allocations().contains("\"" + p.pid() + "@"), "still allocated: " + platform.allocations());
    }

    @Test
    void orionRunCheckTellsWhetherAProgramCanBeServed() throws Exception {
        Program.Result ok = Program.tool("orion-run", "--check", Program.samples().resolve("matmul").toString()).run();
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.stdout().contains("uses the shared CUDA runtime"), ok.stdout());
        Program.Result bad = Program.tool("orion-run", "--check", Program.samples().resolve("static_vector_add").toString()).run();
        assertEquals(1, bad.exit(), bad.toString());
        Program.Result missing = Program.tool("orion-run", "no-such-program-here").run();
        assertEquals(127, missing.exit(), missing.toString());
    }
}
