package io.orion.protocol.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Round trips of 64-byte frames through a pair of rings between two threads, for each way of
 * waiting: busy spin, spin then futex, futex at once, and the polling fallback. Shows what a
 * wake-up costs on the machine at hand (docs/benchmarks.md, "shm waiting").
 * <pre>
 *   java -cp … io.orion.protocol.shm.RingLatency [round trips]
 * </pre>
 */
public final class RingLatency {
    private RingLatency() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Parker futex = Parker.best();
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s%n", "64 B round trip, two threads", "p50 us", "p99 us", "mean us");
        run("busy spin", futex, new WaitPolicy(-1, 100_000_000), n);
        run("spin 50 us, then " + futex.name(), futex, new WaitPolicy(50_000, 100_000_000), n);
        run(futex.name() + " at once (spin 0)", futex, new WaitPolicy(0, 100_000_000), n / 5);
        run("polling fallback (spin 0)", new PollingParker(), new WaitPolicy(0, 100_000_000), n / 5);
    }

    private static void run(String name, Parker parker, WaitPolicy wait, int n) throws Exception {
        long cap = 64 * 1024;
        try (Arena a = Arena.ofShared()) {
            MemorySegment req = a.allocate(ShmRing.HEADER_BYTES + cap, 4096), rep = a.allocate(ShmRing.HEADER_BYTES + cap, 4096);
            ShmRing.format(req);
            ShmRing.format(rep);
            ShmRing clientOut = new ShmRing("request", req, cap, parker), serverIn = new ShmRing("request", req, cap, parker);
            ShmRing serverOut = new ShmRing("reply", rep, cap, parker), clientIn = new ShmRing("reply", rep, cap, parker);
            Liveness alive = () -> {};
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int i = 0; i < n + n / 10; i++) {
                        ByteBuffer f = serverIn.take(wait, alive);
                        serverOut.write(wait, alive, f);
                        serverIn.release();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteBuffer frame = ByteBuffer.allocate(64);
            long[] ns = new long[n];
            for (int i = -n / 10; i < n; i++) {
                long t0 = System.nanoTime();
                clientOut.write(wait, alive, frame.duplicate());
                clientIn.take(wait, alive);
                clientIn.release();
                if (i >= 0) ns[i] = System.nanoTime() - t0;
            }
            server.join();
            Arrays.sort(ns);
            double mean = Arrays.stream(ns).average().orElse(0) / 1e3;
            System.out.printf(Locale.ROOT, "%-34s %10.2f %10.2f %10.2f%n", name, ns[n / 2] / 1e3, ns[(int) (n * 0.99)] / 1e3, mean);
        }
    }
}
