package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.orion.api.store.AllocationRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: a child JVM appends allocations and prints each id once it is durable; the test
 * kills it with SIGKILL at a random moment, reopens the directory and checks that every printed
 * id is there exactly once, and that each thread's ids are an unbroken prefix (nothing half
 * written, nothing from after a gap). Several rounds on one directory, so later rounds start from
 * a store that was itself killed, often in the middle of a snapshot.
 */
class ProcessCrashTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 4;
    private static final Pattern ACK = Pattern.compile("ack (r\\d+t\\d+)-(\\d+) \\.");
    private static final Pattern ID = Pattern.compile("(r\\d+t(\\d+))-(\\d+)");

    @TempDir Path dir;

    @Test
    void sigkillDuringAStreamOfAllocationsLosesAndDuplicatesNothing() throws Exception {
        Random random = new Random();
        Map<String, Integer> printedMax = new HashMap<>(); // "r<round>t<thread>" -> highest acknowledged n
        for (int round = 0; round < ROUNDS; round++) {
            String prefix = "r" + round;
            Process child = new ProcessBuilder(javaCommand(), "-cp", testClasspath(), CrashChild.class.getName(),
                    dir.toString(), Integer.toString(THREADS), "16384", prefix)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            CountDownLatch ready = new CountDownLatch(1);
            List<String> acks = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("ready")) ready.countDown();
                        else synchronized (acks) { acks.add(line); }
                    }
                } catch (IOException e) {
                    // the pipe breaks when the child dies: what was read is what counts
                }
            });
            assertTrue(ready.await(30, TimeUnit.SECONDS), "the child opened the store");
            Thread.sleep(150 + random.nextInt(500));
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            reader.join(10_000);
            assertEquals(137, child.exitValue(), "killed by SIGKILL");

            synchronized (acks) {
                int whole = 0;
                for (String line : acks) {
                    Matcher m = ACK.matcher(line);
                    if (!m.matches()) continue; // the last line may be cut short by the kill
                    printedMax.merge(m.group(1), Integer.parseInt(m.group(2)), Math::max);
                    whole++;
                }
                assertTrue(whole > 0, "round " + round + ": the child acknowledged appends");
            }

            List<AllocationRecord> stored;
            try (Journal j = Fixtures.open(dir)) {
                stored = j.load().allocations();
            }
            Map<String, TreeSet<Integer>> storedBySeries = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (AllocationRecord a : stored) {
                String id = a.allocation().id();
                assertTrue(ids.add(id), "stored once: " + id);
                Matcher m = ID.matcher(id);
                assertTrue(m.matches(), id);
                assertEquals(Fixtures.allocation(id, "n" + m.group(2), 1024), a, "stored whole: " + id);
                storedBySeries.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(Integer.parseInt(m.group(3)));
            }
            for (Map.Entry<String, TreeSet<Integer>> series : storedBySeries.entrySet())
                assertEquals(series.getValue().last() + 1, series.getValue().size(), "no gaps in " + series.getKey());
            for (Map.Entry<String, Integer> printed : printedMax.entrySet()) {
                TreeSet<Integer> s = storedBySeries.getOrDefault(printed.getKey(), new TreeSet<>());
                String what = "after round " + round + ", " + printed.getKey() + ": printed up to " + printed.getValue()
                        + ", stored " + (s.isEmpty() ? "none" : "0.." + s.last() + " (" + s.size() + " ids)");
                assertTrue(!s.isEmpty() && s.last() >= printed.getValue(), what);
                assertEquals(s.last() + 1, s.size(), "no gaps: " + what);
            }
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The classpath this test runs with: surefire puts it in java.class.path of the forked JVM. */
    private static String testClasspath() {
        String cp = System.getProperty("java.class.path");
        assertTrue(cp.contains("test-classes") || cp.contains(File.separator + "classes"), "test classpath: " + cp);
        return cp;
    }
}
