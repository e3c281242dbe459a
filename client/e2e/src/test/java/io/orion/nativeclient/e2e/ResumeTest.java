package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection that breaks under a running program: the client connects again, resumes its session
 * (protocol §5.3) and the program finishes with correct results, noticing nothing.
 */
class ResumeTest {
    private static Standalone platform;

    @BeforeAll
    static void platform() throws Exception {
        platform = Standalone.shared();
    }

    private static Program.Result cutWhileRunning(String sample, String size) throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(platform.tcpPort)) {
            Program program = Program.sample(sample, size).orion(platform).env("ORION_CONTROLLER", null)
                    .env("ORION_SERVER", "tcp://127.0.0.1:" + proxy.port()).env("ORION_GMEM", "512").timeout(Duration.ofSeconds(180));
            Process p = program.start();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (proxy.bytes.get() < 4 << 20 && p.isAlive() && System.nanoTime() < end) Thread.sleep(20); // well under way
            if (!p.isAlive()) throw new AssertionError(sample + " ended before the connection could be cut:\n" + program.finish(p));
            proxy.cut();
            Program.Result r = program.finish(p);
            assertTrue(proxy.connections.get() >= 2, "the client never connected again");
            return r;
        }
    }

    @Test
    void vectorAddSurvivesACutConnection() throws Exception {
        Program.Result r = cutWhileRunning("vector_add", "6000000");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().endsWith("vector_add: ok\n"), r.toString());
        assertTrue(r.stderr().contains("resuming the session") && r.stderr().contains("resumed the session"), r.stderr());
    }

    @Test
    void streamsAndEventsSurviveACutConnection() throws Exception {
        Program.Result r = cutWhileRunning("streams_events", "2000000");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().endsWith("streams_events: ok\n"), r.toString());
        assertTrue(r.stderr().contains("resumed the session"), r.stderr());
    }
}
