package io.orion.transport.rdma.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a benchmark run measured, kept as it came (a table is a summary; these are what to
 * look at again): {@code run.txt} (the command, when, where, Java, the UCX_* settings), one
 * {@code samples-TRANSPORT.csv} per transport (every round trip and every copy, in ns),
 * {@code lanes.txt} and {@code table.md}; run.sh adds UCX's own log ({@code ucx.PID.log}).
 */
final class RawOutput {
    private final Path dir;

    RawOutput(Path dir, String[] args) throws IOException {
        this.dir = Files.createDirectories(dir);
        Map<String, String> ucx = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("UCX_") || k.startsWith("ORION_")) ucx.put(k, v);
        });
        write("run.txt", "command: RdmaBench " + String.join(" ", args) + "\nstarted: " + Instant.now() + "\nhost: "
                + InetAddress.getLocalHost().getHostName() + "\njava: " + Runtime.version() + "\nenvironment: " + ucx + "\n");
    }

    Path dir() { return dir; }

    void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    Samples samples(String transport) throws IOException {
        return new Samples(Files.newBufferedWriter(dir.resolve("samples-" + transport + ".csv")));
    }

    /** One CSV: kind (rtt, h2d64, h2d, d2h), bytes, repetition, nanoseconds. */
    static final class Samples implements AutoCloseable {
        private final BufferedWriter out;

        Samples(BufferedWriter out) throws IOException {
            this.out = out;
            out.write("kind,bytes,rep,ns\n");
        }

        void add(String kind, long bytes, int rep, double ns) throws IOException {
            out.write(String.format(Locale.ROOT, "%s,%d,%d,%.0f%n", kind, bytes, rep, ns));
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
