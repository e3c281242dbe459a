package io.orion.client.bench;

/** The measurements, each run the same way on every target. */
final class Measure {
    private Measure() {}

    /** Launch + synchronize, one at a time: the latency a program sees for a small kernel. */
    static Stats launchSync(Target t, int iterations) {
        for (int i = 0; i < Math.max(10, iterations / 10); i++) {
            t.launch();
            t.synchronize();
        }
        long[] ns = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            t.launch();
            t.synchronize();
            ns[i] = System.nanoTime() - t0;
        }
        return Stats.of(ns);
    }

    /** One small synchronous copy at a time: what cudaMemcpy of a few bytes costs. */
    static Stats copyLatency(Target t, long bytes, boolean toDevice, int iterations) {
        long[] ns = new long[iterations];
        for (int i = -Math.max(10, iterations / 10); i < iterations; i++) {
            long t0 = System.nanoTime();
            if (toDevice) t.toDevice(bytes);
            else t.fromDevice(bytes);
            if (i >= 0) ns[i] = System.nanoTime() - t0;
        }
        return Stats.of(ns);
    }

    /** Launches queued back to back, one synchronize at the end: launches per second (best of three). */
    static double queued(Target t, int launches) {
        double best = 0;
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < launches; i++) t.launch();
            t.synchronize();
            double rate = launches / ((System.nanoTime() - t0) / 1e9);
            if (round > 0) best = Math.max(best, rate); // round 0 warms up
        }
        return best;
    }

    /** Copy bandwidth in GB/s (10^9 bytes): repeated synchronous copies for about {@code budgetNanos}, best of three rounds. */
    static double bandwidth(Target t, long bytes, boolean toDevice, long budgetNanos) {
        if (toDevice) t.toDevice(bytes);
        else t.fromDevice(bytes);
        double best = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime(), moved = 0;
            int reps = 0;
            do {
                if (toDevice) t.toDevice(bytes);
                else t.fromDevice(bytes);
                moved += bytes;
                reps++;
            } while (System.nanoTime() - t0 < budgetNanos / 3 && reps < 100_000);
            best = Math.max(best, moved / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return best;
    }
}
