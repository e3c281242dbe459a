package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection that breaks under a running program: the client connects again, resumes its session
 * (protocol §5.3) and the program finishes with correct results, noticing nothing. Also when the
 * new connection carries smaller frames than the one that broke: what is sent again is cut to fit.
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

    /**
     * Queued copies over TCP (frames of 1 MiB) lost in the break, resumed over shm, whose frames
     * are a quarter of its ring (256 KiB): the replay must cut them into copies of consecutive
     * ranges, numbered on from what the server handled, and so must the synchronous copy the break
     * interrupted. The program starts over TCP because the shm endpoint it is given does not exist
     * yet; it appears (a link to the platform's socket) before the break, and the TCP endpoint goes
     * away with the break, so the session resumes over shm. The program checks every byte, and the
     * order of the copies (a device-to-device copy between two copies into the same buffer).
     */
    @Test
    void queuedCopiesLargerThanAnShmFrameAreSentAgainOverShm() throws Exception {
        long bytes = (3L << 20) + 4100; // four frames over TCP, three of them too large for shm
        Path dir = Files.createTempDirectory("orion-e2e-shm-");
        Path link = dir.resolve("orion.sock");
        try (CuttableProxy proxy = new CuttableProxy(platform.tcpPort)) {
            Program program = Program.e2e("queued_copies", Long.toString(bytes)).orion(platform).env("ORION_CONTROLLER", null)
                    .env("ORION_SERVER", "shm://" + link + ",tcp://127.0.0.1:" + proxy.port()).env("ORION_RESUME_MS", "3000")
                    .env("ORION_LOG_LEVEL", "DEBUG"); // the resume says what it cut
            Process p = program.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            StringBuffer out = new StringBuffer();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        out.append(line).append('\n');
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the program is gone
                }
            });
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try {
                String ready = lines.poll(60, TimeUnit.SECONDS);
                if (!"ready".equals(ready)) throw new AssertionError("queued_copies did not get ready: " + ready + "\n" + finish(p, out, err));
                proxy.swallow(); // what the program sends from now on never reaches the server
                Files.createSymbolicLink(link, platform.shmDir.resolve("orion.sock"));
                try (OutputStream in = p.getOutputStream()) {
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                }
                String queued = lines.poll(30, TimeUnit.SECONDS);
                if (!"queued".equals(queued)) throw new AssertionError("queued_copies did not queue: " + queued + "\n" + finish(p, out, err));
                // the three copies' data, the synchronous one's last frame included, left the program
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (proxy.swallowed.get() < 3 * bytes && p.isAlive() && System.nanoTime() < end) Thread.sleep(10);
                Thread.sleep(100);
                if (proxy.swallowed.get() < 3 * bytes)
                    throw new AssertionError("the program sent " + proxy.swallowed.get() + " bytes\n" + finish(p, out, err));
                proxy.close(); // the break; the TCP endpoint is gone with it
                if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("queued_copies did not end\n" + finish(p, out, err));
                reader.join(5000);
                String stderr = err.get();
                Program.Result r = new Program.Result(p.exitValue(), out.toString(), stderr, p.pid());
                assertEquals(0, r.exit(), r.toString());
                assertTrue(r.stdout().endsWith("queued_copies: ok\n"), r.toString());
                assertTrue(stderr.contains("using TCP tcp://127.0.0.1:" + proxy.port()), "it started over TCP:\n" + stderr);
                assertTrue(stderr.contains("resumed the session with") && stderr.contains("over shm://" + link),
                        "it resumed over shm:\n" + stderr);
                assertTrue(stderr.contains("queued requests into"), "what was sent again was cut to shm's frames:\n" + stderr);
            } finally {
                if (p.isAlive()) p.destroyForcibly().waitFor();
            }
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(dir);
        }
    }

    private static String finish(Process p, StringBuffer out, CompletableFuture<String> err) throws Exception {
        if (p.isAlive()) p.destroyForcibly().waitFor();
        return "--- stdout\n" + out + "--- stderr\n" + err.get(10, TimeUnit.SECONDS);
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
