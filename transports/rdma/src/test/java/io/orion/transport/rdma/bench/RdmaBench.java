package io.orion.transport.rdma.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.orion.api.backend.GpuBackend;
import io.orion.client.ClientOptions;
import io.orion.client.HostBuffer;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.server.internal.RemotingServer;
import io.orion.server.internal.ServerSettings;
import io.orion.transport.rdma.internal.RdmaSettings;
import io.orion.transport.rdma.internal.RdmaTransport;
import io.orion.transport.tcp.internal.TcpSettings;
import io.orion.transport.tcp.internal.TcpTransport;
import io.orion.ucx.Ucx;

/**
 * TCP against RDMA through the Java client and the real server: round-trip latency and
 * host-to-device / device-to-host bandwidth from pinned buffers, printed as one table
 * (docs/rdma.md §7). Two machines: {@code server} on the GPU node, {@code client} on the other;
 * {@code local} runs both here (on this VM that measures UCX's shared memory, not RDMA).
 *
 * <pre>
 *   RdmaBench server --bind ADDR [--backend cuda|host] [--ucx NAME=VALUE]... [--raw DIR]
 *   RdmaBench client --server ADDR [--pings N] [--max-mib N] [--out FILE] [--raw DIR] [--loopback]
 *   RdmaBench local  [--backend host|cuda] [--ucx NAME=VALUE]... [--pings N] [--max-mib N] [--out FILE] [--raw DIR] [--loopback]
 * </pre>
 * Ports: TCP 9960, RDMA rendezvous 9961. Both ends busy-poll (latency, not wake-up cost, is measured).
 *
 * <p>A figure is labelled RDMA only when UCX carried the rdma endpoint over an RDMA transport (rc,
 * dc or ud lanes; {@link Lanes}, read from UCX's own log, which run.sh sends into the raw
 * directory). Otherwise the run is refused (exit 3, no table) unless {@code --loopback} says it is
 * meant to run over UCX's shared memory or TCP, and then its rows say so. Every sample is kept in
 * the raw directory ({@link RawOutput}), whatever the outcome.
 */
public final class RdmaBench {
    private RdmaBench() {}

    public static void main(String[] a) throws Exception {
        if (a.length == 0) usage("a mode: server, client or local");
        String mode = a[0], bind = "127.0.0.1", server = "127.0.0.1", backendName = "host";
        List<String> ucx = new ArrayList<>();
        int pings = 20_000;
        long maxMiB = 64;
        Path out = null, raw = Path.of("rdma-bench-raw");
        boolean loopback = false;
        for (int i = 1; i < a.length; i++) {
            switch (a[i]) {
                case "--bind" -> bind = a[++i];
                case "--server" -> server = a[++i];
                case "--backend" -> backendName = a[++i];
                case "--ucx" -> ucx.add(a[++i]);
                case "--pings" -> pings = Integer.parseInt(a[++i]);
                case "--max-mib" -> maxMiB = Long.parseLong(a[++i]);
                case "--out" -> out = Path.of(a[++i]);
                case "--raw" -> raw = Path.of(a[++i]);
                case "--loopback" -> loopback = true;
                default -> usage("unknown argument " + a[i]);
            }
        }
        Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY)).ifPresent(why -> {
            System.err.println(why);
            System.exit(2);
        });
        RawOutput keep = new RawOutput(raw, a);
        switch (mode) {
            case "server" -> {
                serve(bind, backendName, ucx);
                Thread.currentThread().join();
            }
            case "client" -> System.exit(finish(measure(server, pings, maxMiB, keep), out, keep, loopback));
            case "local" -> {
                AutoCloseable s = serve("127.0.0.1", backendName, ucx);
                int rc;
                try {
                    rc = finish(measure("127.0.0.1", pings, maxMiB, keep), out, keep, loopback);
                } finally {
                    s.close();
                }
                System.exit(rc);
            }
            default -> usage("unknown mode " + mode);
        }
    }

    /**
     * The table, unless the rdma row did not run over RDMA and the run was not declared a loopback
     * one: then 3 and no table, so that no figure of UCX's shared memory or TCP passes for RDMA.
     */
    private static int finish(List<Row> rows, Path out, RawOutput keep, boolean loopback) throws IOException {
        Lanes lanes = Lanes.fromUcxLogs(keep.dir());
        keep.write("lanes.txt", lanes.describe() + "\n");
        if (!lanes.rdma() && !loopback) {
            System.err.println("RdmaBench: refused: the rdma endpoint's UCX lanes are " + lanes.describe() + ", not an RDMA transport "
                    + "(rc, dc, ud), so these would not be RDMA figures. On RDMA hardware set UCX_NET_DEVICES (mlx5_0:1) and UCX_TLS "
                    + "(rc_x,sm,self); to measure UCX's shared memory or TCP on purpose, pass --loopback. Raw samples: " + keep.dir());
            return 3;
        }
        List<Row> labelled = rows.stream().map(r -> r.transport().equals("rdma") ? r.withDetail(r.detail() + ", UCX "
                + lanes.describe() + (lanes.rdma() ? "" : " (loopback run, not RDMA)")) : r).toList();
        String table = report(labelled, out);
        keep.write("table.md", table);
        return 0;
    }

    private static void usage(String why) {
        System.err.println("RdmaBench: " + why + "\n  server --bind ADDR [--backend cuda|host] [--ucx NAME=VALUE]...\n"
                + "  client --server ADDR [--pings N] [--max-mib N] [--out FILE]\n  local [--backend host|cuda] [--ucx NAME=VALUE]... [--pings N] [--max-mib N] [--out FILE]");
        System.exit(2);
    }

    /** The server with TCP (9960) and RDMA (9961), both busy-polling, automatic vGPUs on. */
    private static AutoCloseable serve(String bind, String backendName, List<String> ucx) throws IOException {
        GpuBackend backend = backend(backendName);
        RemotingServer s = new RemotingServer(ServerSettings.defaults(), () -> Optional.of(backend));
        TcpTransport tcp = new TcpTransport(TcpSettings.defaults().withBindAddress(bind).withPort(9960).withBusyPoll(true));
        RdmaSettings rs = RdmaSettings.defaults().withBindAddress(bind).withPort(9961).withUcx(ucx.toArray(String[]::new));
        RdmaTransport rdma = new RdmaTransport(new RdmaSettings(rs.bindAddress(), rs.port(), rs.advertisedHost(), true, 256, 4096,
                true, 0, rs.maxFrameBytes(), rs.ucx()));
        s.useTransports(List.of(tcp, rdma));
        System.err.println("RdmaBench server on " + backendName + ": " + s.endpoints());
        return s::close;
    }

    private static GpuBackend backend(String name) {
        try {
            if (name.equals("cuda")) {
                Class<?> settings = Class.forName("io.orion.backend.cuda.internal.CudaSettings");
                Object defaults = settings.getMethod("defaults").invoke(null);
                return (GpuBackend) Class.forName("io.orion.backend.cuda.internal.CudaBackend").getMethod("open", settings).invoke(null, defaults);
            }
            Class<?> c = Class.forName("io.orion.backend.host.internal.HostBackend");
            Constructor<?> k = c.getDeclaredConstructor(int.class, long.class, String.class, int.class);
            k.setAccessible(true);
            return (GpuBackend) k.newInstance(1, 2048L, "", 0);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("backend " + name + " is not on the class path", e);
        }
    }

    record Row(String transport, String detail, double[] rttMicros, double[] copy64Micros, long[] sizes, double[] h2d, double[] d2h) {
        Row withDetail(String d) {
            return new Row(transport, d, rttMicros, copy64Micros, sizes, h2d, d2h);
        }
    }

    private static List<Row> measure(String server, int pings, long maxMiB, RawOutput keep) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String ep : List.of("tcp://" + server + ":9960", "rdma://" + server + ":9961")) {
            ClientOptions o = ClientOptions.of(ep, 2L * maxMiB + 64).withClientName("rdma-bench").withBusyPoll(true)
                    .withShmRegionMiB((int) Math.max(64, 2 * maxMiB + 16)).withResumeWindow(Duration.ZERO);
            try (VgpuSession s = OrionClient.open(o)) {
                rows.add(run(s, pings, maxMiB, keep.samples(s.transport())));
            }
        }
        return rows;
    }

    private static Row run(VgpuSession s, int pings, long maxMiB, RawOutput.Samples raw) throws IOException {
        Vgpu d = s.device(0);
        for (int i = 0; i < Math.min(2000, pings); i++) s.ping(); // warm up (JIT, UCX lanes)
        double[] rtt = new double[pings];
        for (int i = 0; i < pings; i++) {
            long t0 = System.nanoTime();
            s.ping();
            rtt[i] = (System.nanoTime() - t0) / 1e3;
            raw.add("rtt", 0, i, rtt[i] * 1e3);
        }
        List<Long> sizes = new ArrayList<>();
        for (long b = 4096; b <= maxMiB << 20; b *= 16) sizes.add(b);
        if (sizes.getLast() != maxMiB << 20) sizes.add(maxMiB << 20);
        long max = sizes.getLast();
        long dev = d.malloc(max);
        double[] h2d = new double[sizes.size()], d2h = new double[sizes.size()];
        double[] c64 = new double[Math.max(1, pings / 10)];
        try (HostBuffer src = s.allocHost(max); HostBuffer dst = s.allocHost(max)) {
            src.segment().fill((byte) 1);
            MemorySegment small = src.segment().asSlice(0, 64);
            for (int i = 0; i < c64.length; i++) {
                long t0 = System.nanoTime();
                d.copyToDevice(dev, small, 64);
                c64[i] = (System.nanoTime() - t0) / 1e3;
                raw.add("h2d64", 64, i, c64[i] * 1e3);
            }
            for (int k = 0; k < sizes.size(); k++) {
                long n = sizes.get(k);
                int reps = (int) Math.max(3, Math.min(200, (256L << 20) / n));
                h2d[k] = best(reps, () -> d.copyToDevice(dev, src.segment(), n), n, raw, "h2d");
                d2h[k] = best(reps, () -> d.copyFromDevice(dst.segment(), dev, n), n, raw, "d2h");
            }
            verify(d, dev, src.segment(), dst.segment(), max);
            String detail = s.transport() + (src.shared() ? ", pinned buffers in the region (one-sided RDMA)" : ", data in messages")
                    + ", bytes verified";
            d.free(dev);
            raw.close();
            return new Row(s.transport(), detail, rtt, c64, sizes.stream().mapToLong(Long::longValue).toArray(), h2d, d2h);
        }
    }

    /** A patterned buffer there and back: a figure of a transport that moves the wrong bytes means nothing. */
    private static void verify(Vgpu d, long dev, MemorySegment src, MemorySegment dst, long n) {
        for (long i = 0; i + 8 <= n; i += 8) src.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9e3779b97f4a7c15L + 1);
        dst.fill((byte) 0);
        d.copyToDevice(dev, src, n);
        d.copyFromDevice(dst, dev, n);
        long at = dst.asSlice(0, n).mismatch(src.asSlice(0, n));
        if (at >= 0) throw new IllegalStateException("the " + n + " bytes that came back from the device differ at byte " + at);
    }

    /** Best of {@code reps} runs, GB/s; every run's time kept. */
    private static double best(int reps, Runnable r, long bytes, RawOutput.Samples raw, String kind) throws IOException {
        long bestNs = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            long ns = System.nanoTime() - t0;
            raw.add(kind, bytes, i, ns);
            bestNs = Math.min(bestNs, ns);
        }
        return bytes / (double) bestNs;
    }

    private static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(p * s.length))];
    }

    private static String report(List<Row> rows, Path out) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("| transport | round trip p50 / p99 (µs) | 64 B host→device p50 (µs) |");
        for (long n : rows.get(0).sizes()) b.append(' ').append(size(n)).append(" H2D / D2H (GB/s) |");
        b.append("\n|---|---|---|");
        for (long ignored : rows.get(0).sizes()) b.append("---|");
        b.append('\n');
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %.1f / %.1f | %.1f |", r.detail(), pct(r.rttMicros(), 0.5), pct(r.rttMicros(), 0.99),
                    pct(r.copy64Micros(), 0.5)));
            for (int k = 0; k < r.sizes().length; k++) b.append(String.format(Locale.ROOT, " %.2f / %.2f |", r.h2d()[k], r.d2h()[k]));
            b.append('\n');
        }
        System.out.print(b);
        if (out != null) Files.writeString(out, b);
        return b.toString();
    }

    private static String size(long n) {
        return n >= 1 << 20 ? (n >> 20) + " MiB" : (n >> 10) + " KiB";
    }
}
