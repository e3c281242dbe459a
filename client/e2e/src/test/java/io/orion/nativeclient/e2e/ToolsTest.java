package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** orion-smi while a program runs (its usage figures once a heartbeat reported them), orion-run's check, and the release of a vGPU when the program is signalled. */
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

    /** The memory vector_add N allocates: three vectors of N floats, in MiB as the server counts it. */
    private static final long LONG_RUN_MIB = (3L * 12_000_000 * Float.BYTES) >> 20;

    /**
     * Waits until a heartbeat has reported the process's vGPU with all its memory allocated (the
     * controller's vGPU usage), so that orion-smi has real figures to show.
     */
    private static void awaitUsage(Process p, long mib) throws Exception {
        Pattern usage = Pattern.compile("\"process\" : \"" + p.pid() + "@[^\"]*\",\\s*\"memoryUsedMiB\" : (\\d+)");
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < end && p.isAlive()) {
            last = platform.get("api/v1/vgpus").body();
            Matcher m = usage.matcher(last);
            if (m.find() && Long.parseLong(m.group(1)) >= mib) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no heartbeat reported " + mib + " MiB used by process " + p.pid() + ": " + last);
    }

    @Test
    void orionSmiShowsTheVgpuItsUsageAndItsProcessWhileTheProgramRuns() throws Exception {
        Process p = longRun();
        try {
            awaitAllocation(p);
            awaitUsage(p, LONG_RUN_MIB);
            Program.Result smi = Program.tool("orion-smi", "-c", platform.controller()).orion(platform).run();
            assertEquals(0, smi.exit(), smi.toString());
            assertTrue(smi.stdout().contains("used/quota MiB  ratio  share held back  process"), smi.stdout());
            String line = smi.stdout().lines().filter(l -> l.contains("  " + p.pid() + "@"))
                    .findFirst().orElseThrow(() -> new AssertionError("orion-smi does not show process " + p.pid() + ":\n" + smi.stdout()));
            // vGPU node GPU used/quota ratio share held-back process
            String[] col = line.trim().split("\\s+");
            assertEquals(8, col.length, line);
            assertEquals(LONG_RUN_MIB + "/600", col[3], "memory used against the quota: " + line);
            assertEquals("100%", col[4], "the ratio: " + line);
            // the standalone server's compute gate is on (elastic): it measures a share and held-back time
            assertTrue(col[5].matches("\\d{1,3}%"), "the share consumed lately: " + line);
            assertTrue(col[6].matches("\\d+\\.\\ds"), "the time held back by the compute gate: " + line);
            Program.Result json = Program.tool("orion-smi", "--json").orion(platform).run();
            assertTrue(json.stdout().startsWith("{\"controller\":\"" + platform.controller() + "\"") && json.stdout().contains("\"vgpus\":["),
                    json.toString());
            assertTrue(json.stdout().contains("\"heldBackMillis\""), "the usage behind the columns: " + json.stdout());
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
