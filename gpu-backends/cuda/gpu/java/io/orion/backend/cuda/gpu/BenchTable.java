package io.orion.backend.cuda.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets the C and Java results of one run side by side: time per operation, bandwidth for copies,
 * and the backend's overhead against the driver called from C (target: at most 5 %).
 *
 * <pre>BenchTable C_RESULTS JAVA_RESULTS</pre>  (lines "RESULT impl op bytes microseconds"; others are ignored)
 */
public final class BenchTable {
    private BenchTable() {}

    static final double TARGET_PERCENT = 5.0;

    public record Key(String op, long bytes) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: BenchTable C_RESULTS JAVA_RESULTS");
        System.exit(print(read(Path.of(args[0]), "c"), read(Path.of(args[1]), "java"), System.out));
    }

    public static Map<Key, Double> read(Path file, String impl) throws IOException {
        Map<Key, Double> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[0].equals("RESULT") && f[1].equals(impl))
                results.put(new Key(f[2], Long.parseLong(f[3])), Double.parseDouble(f[4]));
        }
        if (results.isEmpty()) throw new IllegalArgumentException("no '" + impl + "' results in " + file);
        return results;
    }

    /** Prints the table; returns 0 when every row is within the target, 1 otherwise, 3 when rows are missing. */
    public static int print(Map<Key, Double> c, Map<Key, Double> java, PrintStream out) {
        out.printf("%-14s %9s %11s %11s %9s %10s %10s%n", "operation", "size", "C us/op", "Java us/op", "overhead",
                "C GB/s", "Java GB/s");
        int within = 0, rows = 0;
        double worst = Double.NEGATIVE_INFINITY;
        String worstRow = "";
        for (var e : c.entrySet()) {
            Key k = e.getKey();
            Double j = java.get(k);
            if (j == null) continue;
            double cUs = e.getValue(), overhead = (j - cUs) / cUs * 100;
            rows++;
            if (overhead <= TARGET_PERCENT) within++;
            if (overhead > worst) {
                worst = overhead;
                worstRow = k.op() + (k.bytes() > 0 ? " " + size(k.bytes()) : "");
            }
            out.printf("%-14s %9s %11.3f %11.3f %+8.1f%% %10s %10s%n", k.op(), k.bytes() > 0 ? size(k.bytes()) : "-", cUs, j,
                    overhead, gbps(k.bytes(), cUs), gbps(k.bytes(), j));
        }
        List<Key> missing = c.keySet().stream().filter(k -> !java.containsKey(k)).toList();
        out.printf("within %.0f %% of C: %d of %d rows; largest overhead %+.1f %% (%s)%s%n", TARGET_PERCENT, within, rows, worst,
                worstRow, missing.isEmpty() ? "" : "; no Java result for " + missing);
        if (!missing.isEmpty() || rows == 0) return 3;
        return within == rows ? 0 : 1;
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return (bytes >> 10) + " KiB";
        return bytes + " B";
    }

    private static String gbps(long bytes, double us) {
        return bytes == 0 ? "" : String.format("%.2f", bytes / us / 1e3);
    }
}
