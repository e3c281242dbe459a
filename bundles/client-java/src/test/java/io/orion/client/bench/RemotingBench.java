package io.orion.client.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.client.e2e.ServerFixture;
import io.orion.client.e2e.TestBackends;

/**
 * Direct backend calls against the same calls through the server over each transport, in one run:
 * launch + synchronize latency, queued launch throughput, host-to-device and device-to-host
 * bandwidth from 4 KiB to 1 GiB. Prints a table with the targets of DESIGN §11 and writes it, with
 * a JSON copy, to the output folder.
 *
 * <pre>
 *   RemotingBench [--backend cuda|host|fake] [--out DIR] [--max-bytes N] [--launches N] [--no-busy-poll]
 * </pre>
 * Everything runs in this process: the backend, the server with both transports (wired without
 * OSGi, busy polling for latency), and a Java client per transport.
 */
public final class RemotingBench {
    private RemotingBench() {}

    public static void main(String[] args) throws Exception {
        String backendName = "cuda";
        Path out = null;
        long maxBytes = 1L << 30;
        int launches = -1;
        boolean busy = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backendName = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--max-bytes" -> maxBytes = Long.parseLong(args[++i]);
                case "--launches" -> launches = Integer.parseInt(args[++i]);
                case "--no-busy-poll" -> busy = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--backend cuda|host, --out DIR, --max-bytes N, --launches N, --no-busy-poll)");
            }
        }
        GpuBackend backend = backendName.equals("fake") ? new io.orion.server.internal.FakeBackend(4L << 30)
                : TestBackends.byName(backendName);
        byte[] image = Kernels.image(backendName);
        if (backend.devices().isEmpty()) {
            System.err.println("backend " + backendName + " has no device: " + backend.status());
            System.exit(2);
        }
        boolean slow = backendName.equals("host"); // the PTX interpreter: fewer iterations
        if (launches < 0) launches = slow ? 2_000 : 20_000;
        int queuedLaunches = slow ? 5_000 : 100_000;
        long budget = slow ? 300_000_000L : 1_000_000_000L;
        GpuDevice gpu = backend.devices().get(0);

        Report r = new Report(backendName, gpu, !backendName.equals("cuda"), busy);
        Results direct = new Results(), pageableCopies = new Results(), shmResults = new Results(), tcpResults = new Results();
        DirectTarget pinned = new DirectTarget(backend, image, maxBytes, true, null);
        DirectTarget pageable = new DirectTarget(backend, image, maxBytes, false, pinned);
        List<Long> sizes = sizes(maxBytes);
        try (ServerFixture fx = new ServerFixture(backend, ServerFixture.testSettings(), busy)) {
            // one path at a time, so that no other path's threads spin while one is measured
            progress("direct");
            direct.measure(pinned, launches, queuedLaunches, sizes, budget);
            pageableCopies.copies(pageable, sizes, budget);
            try (RemoteTarget shm = new RemoteTarget("shm", fx.shmEndpoint, image, maxBytes, busy)) {
                if (!shm.sharedHostBuffer()) System.err.println("warning: the shm host buffer is not in the shared region");
                progress("shm");
                shmResults.measure(shm, launches, queuedLaunches, sizes, budget);
            }
            try (RemoteTarget tcp = new RemoteTarget("tcp", fx.tcpEndpoint, image, maxBytes, busy)) {
                progress("tcp");
                tcpResults.measure(tcp, launches, queuedLaunches, sizes, budget);
            }
        } finally {
            pageable.close();
            pinned.close();
            pinned.closeContext();
            TestBackends.close(backend);
        }
        r.launchSync("direct", direct.launchSync, direct.launchSync);
        r.launchSync("shm", shmResults.launchSync, direct.launchSync);
        r.launchSync("tcp", tcpResults.launchSync, direct.launchSync);
        r.latency("64 B H2D", "direct", direct.h2d64, direct.h2d64);
        r.latency("64 B H2D", "shm", shmResults.h2d64, direct.h2d64);
        r.latency("64 B H2D", "tcp", tcpResults.h2d64, direct.h2d64);
        r.latency("64 B D2H", "direct", direct.d2h64, direct.d2h64);
        r.latency("64 B D2H", "shm", shmResults.d2h64, direct.d2h64);
        r.latency("64 B D2H", "tcp", tcpResults.d2h64, direct.d2h64);
        r.queued("direct", direct.queued, direct.queued);
        r.queued("shm", shmResults.queued, direct.queued);
        r.queued("tcp", tcpResults.queued, direct.queued);
        for (boolean h2d : new boolean[] {true, false}) {
            for (long size : sizes) {
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("direct pinned", direct.copy(h2d, size));
                row.put("direct pageable", pageableCopies.copy(h2d, size));
                row.put("shm", shmResults.copy(h2d, size));
                row.put("tcp", tcpResults.copy(h2d, size));
                r.copy(h2d, size, row);
            }
        }
        String table = r.table();
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("remoting-bench.txt"), table + "\n");
            Files.writeString(out.resolve("remoting-bench.json"), r.json() + "\n");
            System.out.println("written to " + out.resolve("remoting-bench.txt") + " and remoting-bench.json");
        }
    }

    /** 4 KiB, 64 KiB, 1 MiB, … by 16, and {@code max} itself last. */
    static List<Long> sizes(long max) {
        List<Long> out = new ArrayList<>();
        for (long s = 4096; s < max; s *= 16) out.add(s);
        out.add(max);
        return out;
    }

    /** Everything measured on one path. */
    static final class Results {
        Stats launchSync, h2d64, d2h64;
        double queued;
        final Map<Long, Double> h2d = new LinkedHashMap<>(), d2h = new LinkedHashMap<>();

        void measure(Target t, int launches, int queuedLaunches, List<Long> sizes, long budget) {
            launchSync = Measure.launchSync(t, launches);
            queued = Measure.queued(t, queuedLaunches);
            h2d64 = Measure.copyLatency(t, 64, true, launches);
            d2h64 = Measure.copyLatency(t, 64, false, launches);
            copies(t, sizes, budget);
        }

        void copies(Target t, List<Long> sizes, long budget) {
            for (long size : sizes) h2d.put(size, Measure.bandwidth(t, size, true, budget));
            for (long size : sizes) d2h.put(size, Measure.bandwidth(t, size, false, budget));
        }

        double copy(boolean toDevice, long size) {
            return (toDevice ? h2d : d2h).get(size);
        }
    }

    private static void progress(String what) {
        System.err.println("bench: " + what);
    }

    /** The table and its JSON twin. */
    static final class Report {
        private final String backend;
        private final GpuDevice gpu;
        private final boolean cpu;
        private final boolean busy;
        private final List<String> lines = new ArrayList<>();
        private final List<String> json = new ArrayList<>();
        private final Instant at = Instant.now();

        Report(String backend, GpuDevice gpu, boolean cpu, boolean busy) {
            this.backend = backend;
            this.gpu = gpu;
            this.cpu = cpu;
            this.busy = busy;
        }

        static String size(long b) {
            return b >= 1L << 30 ? (b >> 30) + " GiB" : b >= 1 << 20 ? (b >> 20) + " MiB" : (b >> 10) + " KiB";
        }

        private String verdict(boolean ok) {
            return cpu ? "n/a (no GPU)" : ok ? "PASS" : "MISS";
        }

        void launchSync(String name, Stats s, Stats direct) {
            double ratio = s.p50() / direct.p50();
            String target = name.equals("shm") ? "<= 1.5x " + verdict(ratio <= 1.5)
                    : name.equals("tcp") ? "<= 4x   " + verdict(ratio <= 4) : "";
            lines.add(String.format(Locale.ROOT, "launch+sync    %-18s p50 %9.2f us  p99 %9.2f  mean %9.2f   x%5.2f  %s",
                    name, s.p50(), s.p99(), s.mean(), ratio, target));
            json.add(String.format(Locale.ROOT, "{\"metric\":\"launch_sync_us\",\"path\":\"%s\",\"p50\":%.3f,\"p99\":%.3f,\"mean\":%.3f,\"ratio\":%.3f}",
                    name, s.p50(), s.p99(), s.mean(), ratio));
        }

        void latency(String what, String name, Stats s, Stats direct) {
            double ratio = s.p50() / direct.p50();
            lines.add(String.format(Locale.ROOT, "%-14s %-18s p50 %9.2f us  p99 %9.2f  mean %9.2f   x%5.2f",
                    what, name, s.p50(), s.p99(), s.mean(), ratio));
            json.add(String.format(Locale.ROOT, "{\"metric\":\"%s_us\",\"path\":\"%s\",\"p50\":%.3f,\"p99\":%.3f,\"mean\":%.3f,\"ratio\":%.3f}",
                    what.replace(' ', '_'), name, s.p50(), s.p99(), s.mean(), ratio));
        }

        void queued(String name, double rate, double direct) {
            double ratio = rate / direct;
            String target = name.equals("direct") ? "" : ">= 0.8x " + verdict(ratio >= 0.8);
            lines.add(String.format(Locale.ROOT, "queued launch  %-18s %12.0f launches/s (%6.2f us each)   x%5.2f  %s",
                    name, rate, 1e6 / rate, ratio, target));
            json.add(String.format(Locale.ROOT, "{\"metric\":\"queued_launches_per_s\",\"path\":\"%s\",\"value\":%.1f,\"ratio\":%.3f}", name, rate, ratio));
        }

        private boolean copyHeader;

        void copy(boolean h2d, long size, Map<String, Double> row) {
            if (!copyHeader) {
                lines.add("");
                lines.add(String.format(Locale.ROOT, "%-4s %8s  %s", "copy", "size", String.join("", row.keySet().stream()
                        .map(k -> String.format(Locale.ROOT, "%17s", k)).toList()) + "   shm/pinned  tcp/pinned"));
                copyHeader = true;
            }
            double base = row.get("direct pinned");
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4s %8s  ", h2d ? "H2D" : "D2H", size(size)));
            row.values().forEach(v -> b.append(String.format(Locale.ROOT, "%12.2f GB/s", v)));
            double shm = row.getOrDefault("shm", 0.0) / base, tcp = row.getOrDefault("tcp", 0.0) / base;
            b.append(String.format(Locale.ROOT, "   %9.2f  %10.2f", shm, tcp));
            if (h2d && size >= 64L << 20) b.append("   shm >= 0.8x ").append(verdict(shm >= 0.8));
            lines.add(b.toString());
            StringBuilder j = new StringBuilder(String.format(Locale.ROOT, "{\"metric\":\"%s_GBps\",\"bytes\":%d", h2d ? "h2d" : "d2h", size));
            row.forEach((k, v) -> j.append(String.format(Locale.ROOT, ",\"%s\":%.3f", k, v)));
            json.add(j.append('}').toString());
        }

        String table() {
            StringBuilder b = new StringBuilder();
            b.append("Orion remoting benchmark: backend ").append(backend).append(" (").append(gpu.name()).append(", ")
                    .append(gpu.uuid()).append("), ").append(at).append(", Java ").append(Runtime.version())
                    .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, busy poll ")
                    .append(busy ? "on" : "off").append('\n');
            if (backend.equals("host")) b.append("CPU-only run (host backend): the figures test the harness, not the targets.\n");
            if (backend.equals("fake")) b.append("Backend double (work done in the calling thread): the figures are the remoting overhead alone.\n");
            b.append("Targets (DESIGN §11): launch+sync <= 1.5x direct over shm, <= 4x over tcp; queued launches >= 0.8x; "
                    + "H2D over shm >= 0.8x direct pinned.\n\n");
            lines.forEach(l -> b.append(l).append('\n'));
            return b.toString();
        }

        String json() {
            return "{\"backend\":\"" + backend + "\",\"gpu\":\"" + gpu.name() + "\",\"at\":\"" + at + "\",\"results\":[\n  "
                    + String.join(",\n  ", json) + "\n]}";
        }
    }
}
