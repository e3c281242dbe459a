package io.orion.store.journal.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Appends per second through the journal store, with 1, 4 and 16 concurrent callers, each doing
 * what the controller does per allocation: append one AllocationPut, then await it. Prints a
 * Markdown table (docs/benchmarks.md, "State store (journal)").
 *
 * <pre>
 * mvn -o -q -pl bundles/store-journal exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.orion.store.journal.internal.JournalBench [-Dexec.args="DIR SECONDS"]
 * </pre>
 *
 * DIR must be on the disk under test (default target/bench; not a tmpfs), SECONDS per run (default 5).
 */
public final class JournalBench {
    private static final int[] CALLERS = {1, 4, 16};

    private JournalBench() {}

    /** One run's figures. */
    private record Result(String mode, int callers, long appends, long syncs, double seconds, long[] latenciesNanos) {
        double appendsPerSecond() { return appends / seconds; }

        double syncsPerSecond() { return syncs / seconds; }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) return Double.NaN;
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(p * latenciesNanos.length))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "target/bench").toAbsolutePath();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Files.createDirectories(base);
        System.out.printf("journal store benchmark in %s (%s), %.0f s per run, JDK %s, %d CPUs%n", base,
                Files.getFileStore(base).type(), seconds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("raw fdatasync of one 600-byte append: %.0f/s%n", rawSyncsPerSecond(base.resolve("raw"), 2));

        List<Result> results = new ArrayList<>();
        for (int callers : CALLERS) results.add(run(base.resolve("always-" + callers), true, callers, seconds));
        for (int callers : CALLERS) results.add(run(base.resolve("never-" + callers), false, callers, seconds));

        System.out.println();
        System.out.println("| fsync | callers | appends/s | syncs/s | appends per sync | await p50 (ms) | await p99 (ms) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : results)
            System.out.printf("| %s | %d | %,.0f | %,.0f | %.1f | %.3f | %.3f |%n", r.mode(), r.callers(), r.appendsPerSecond(),
                    r.syncsPerSecond(), (double) r.appends() / r.syncs(), r.percentileMillis(0.50), r.percentileMillis(0.99));
    }

    private static Result run(Path dir, boolean fsync, int callers, double seconds) throws Exception {
        deleteTree(dir);
        try (Journal j = Fixtures.open(Settings.of(dir).withFsync(fsync))) {
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(callers);
            long[][] latencies = new long[callers][];
            int[] counts = new int[callers];
            for (int c = 0; c < callers; c++) {
                int caller = c;
                Thread.ofPlatform().start(() -> {
                    long[] lat = new long[1 << 16];
                    int n = 0;
                    for (int i = 0; !stop.get(); i++) {
                        long t0 = System.nanoTime();
                        j.append(List.of(Fixtures.put(Fixtures.allocation("c" + caller + "-" + i, "n" + caller, 1024)))).await();
                        long t = System.nanoTime() - t0;
                        if (measuring.get()) {
                            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                            lat[n++] = t;
                        }
                    }
                    latencies[caller] = lat;
                    counts[caller] = n;
                    done.countDown();
                });
            }
            Thread.sleep(1000); // warm-up: JIT, page cache, file growth
            long appends0 = j.appendsWritten();
            long syncs0 = j.syncs();
            long t0 = System.nanoTime();
            measuring.set(true);
            Thread.sleep((long) (seconds * 1000));
            measuring.set(false);
            long appends = j.appendsWritten() - appends0;
            long syncs = j.syncs() - syncs0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            done.await();
            long[] all = new long[Arrays.stream(counts).sum()];
            int at = 0;
            for (int c = 0; c < callers; c++) {
                System.arraycopy(latencies[c], 0, all, at, counts[c]);
                at += counts[c];
            }
            Arrays.sort(all);
            Result r = new Result(fsync ? "always" : "never", callers, appends, syncs, elapsed, all);
            System.out.printf("fsync %-6s %2d callers: %,10.0f appends/s, %,8.0f syncs/s%n", r.mode(), callers,
                    r.appendsPerSecond(), r.syncsPerSecond());
            return r;
        } finally {
            deleteTree(dir);
        }
    }

    /** The disk's own figure: appends of 600 bytes, each followed by fdatasync, one after the other. */
    private static double rawSyncsPerSecond(Path file, double seconds) throws IOException {
        Files.deleteIfExists(file);
        ByteBuffer record = ByteBuffer.allocate(600);
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        try (FileChannel ch = FileChannel.open(file, CREATE, WRITE)) {
            while (System.nanoTime() < end) {
                record.clear();
                ch.write(record);
                ch.force(false);
                n++;
            }
        }
        Files.delete(file);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
