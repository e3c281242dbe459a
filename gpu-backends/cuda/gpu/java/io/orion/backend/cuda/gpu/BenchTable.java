package io.orion.backend.cuda.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets the results of one run side by side, in µs per operation: bench.c in its own process (C),
 * the same C loops inside the JVM (C in JVM), the bare FFM call, and the backend (Java); then the
 * backend's overhead against C (the target: at most 5 %), its own share against bare FFM in the same
 * JVM, and bandwidth for copies.
 *
 * <pre>BenchTable C_RESULTS JAVA_RESULTS</pre>  (lines "RESULT impl op bytes microseconds": impl c in the
 * first file; java, and optionally ffm and cjvm, in the second. Others are ignored; a column without
 * results stays empty.) run.sh appends several rounds to each file, bench.c's process and the JVM
 * taking turns, because two processes differ by up to ±10–18 % on one copy size (where their memory
 * landed, the GPU's state at that moment) while repetitions inside one process agree to a few
 * percent: each figure is then the median over the rounds, and "C spread" shows how far bench.c's
 * own rounds lay apart.
 */
public final class BenchTable {
    private BenchTable() {}

    static final double TARGET_PERCENT = 5.0;

    public record Key(String op, long bytes) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: BenchTable C_RESULTS JAVA_RESULTS");
        Path c = Path.of(args[0]), java = Path.of(args[1]);
        if (rounds(c, "c").isEmpty()) throw new IllegalArgumentException("no 'c' results in " + c);
        if (rounds(java, "java").isEmpty()) throw new IllegalArgumentException("no 'java' results in " + java);
        System.exit(printRounds(rounds(c, "c"), rounds(java, "cjvm"), rounds(java, "ffm"), rounds(java, "java"), System.out));
    }

    public static Map<Key, Double> read(Path file, String impl) throws IOException {
        Map<Key, Double> results = readIfAny(file, impl);
        if (results.isEmpty()) throw new IllegalArgumentException("no '" + impl + "' results in " + file);
        return results;
    }

    /** Each operation's median over the rounds in the file. */
    public static Map<Key, Double> readIfAny(Path file, String impl) throws IOException {
        Map<Key, Double> results = new LinkedHashMap<>();
        rounds(file, impl).forEach((k, v) -> results.put(k, median(v)));
        return results;
    }

    /** Every round's figure per operation, in file order. */
    public static Map<Key, List<Double>> rounds(Path file, String impl) throws IOException {
        Map<Key, List<Double>> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[0].equals("RESULT") && f[1].equals(impl))
                results.computeIfAbsent(new Key(f[2], Long.parseLong(f[3])), k -> new java.util.ArrayList<>())
                        .add(Double.parseDouble(f[4]));
        }
        return results;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** (largest − smallest) / median of bench.c's rounds, in percent; 0 for one round. */
    static double spread(List<Double> values) {
        if (values == null || values.size() < 2) return 0;
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return (max - min) / median(values) * 100;
    }

    /** One round of medians each: what a single run of bench.c and of GpuBench gives. */
    public static int print(Map<Key, Double> c, Map<Key, Double> cInJvm, Map<Key, Double> ffm, Map<Key, Double> java,
                            PrintStream out) {
        return printRounds(oneRound(c), oneRound(cInJvm), oneRound(ffm), oneRound(java), out);
    }

    private static Map<Key, List<Double>> oneRound(Map<Key, Double> m) {
        Map<Key, List<Double>> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, List.of(v)));
        return r;
    }

    /**
     * Prints the table from every round's figures; returns 0 when every row is within the target,
     * 1 otherwise, 3 when rows are missing. {@code cInJvm} and {@code ffm} may be empty.
     *
     * <p>The target is judged against the C loops in the same process ("C in JVM") when there are
     * any: the same driver calls from C, on the same thread, context and memory, taking turns with
     * the backend repetition by repetition. bench.c in its own process is shown beside it, paired
     * round by round with the JVM that ran next to it, but two processes differ by more than the
     * target between their own rounds (the "C spread" column), so it cannot judge a 5 % difference.
     */
    public static int printRounds(Map<Key, List<Double>> c, Map<Key, List<Double>> cInJvm, Map<Key, List<Double>> ffm,
                                  Map<Key, List<Double>> java, PrintStream out) {
        boolean sameProcess = !cInJvm.isEmpty();
        out.printf("%-14s %7s %10s %8s %10s %10s %10s %8s %10s %8s %8s %9s%n", "operation", "size", "C us/op", "C spread",
                "C in JVM", "FFM us/op", "Java us/op", "vs C", "vs C/JVM", "vs FFM", "C GB/s", "Java GB/s");
        int within = 0, withinC = 0, rows = 0, rounds = 0;
        double worst = Double.NEGATIVE_INFINITY;
        String worstRow = "";
        for (var e : c.entrySet()) {
            Key k = e.getKey();
            List<Double> j = java.get(k);
            if (j == null) continue;
            rows++;
            rounds = Math.max(rounds, e.getValue().size());
            double cUs = median(e.getValue()), jUs = median(j);
            double vsC = paired(j, e.getValue());
            Double vsCjvm = cInJvm.containsKey(k) ? paired(j, cInJvm.get(k)) : null;
            Double vsFfm = ffm.containsKey(k) ? paired(j, ffm.get(k)) : null;
            double judged = sameProcess && vsCjvm != null ? vsCjvm : vsC;
            if (judged <= TARGET_PERCENT) within++;
            if (vsC <= TARGET_PERCENT) withinC++;
            if (judged > worst) {
                worst = judged;
                worstRow = k.op() + (k.bytes() > 0 ? " " + size(k.bytes()) : "");
            }
            out.printf("%-14s %7s %10.3f %8s %10s %10s %10.3f %+7.1f%% %10s %8s %8s %9s%n", k.op(),
                    k.bytes() > 0 ? size(k.bytes()) : "-", cUs, String.format("%.1f%%", spread(e.getValue())),
                    us(cInJvm.containsKey(k) ? median(cInJvm.get(k)) : null), us(ffm.containsKey(k) ? median(ffm.get(k)) : null),
                    jUs, vsC, pct(vsCjvm), pct(vsFfm), gbps(k.bytes(), cUs), gbps(k.bytes(), jUs));
        }
        List<Key> missing = c.keySet().stream().filter(k -> !java.containsKey(k)).toList();
        out.printf("within %.0f %% of %s: %d of %d rows; largest overhead %+.1f %% (%s)%s%n", TARGET_PERCENT,
                sameProcess ? "C in the same process" : "C", within, rows, worst, worstRow,
                missing.isEmpty() ? "" : "; no Java result for " + missing);
        if (sameProcess) out.printf("within %.0f %% of bench.c in its own process: %d of %d rows%n", TARGET_PERCENT, withinC, rows);
        if (!ffm.isEmpty()) out.println("C: bench.c in its own process; C in JVM, FFM and Java: in one JVM, same thread, context"
                + " and memory, repetitions taking turns; vs FFM: the backend's own share");
        out.println("vs X: the median over rounds of (Java / X - 1), each round against the X measured beside it"
                + (rounds > 1 ? "; " + rounds + " rounds, bench.c's process and the JVM taking turns; C spread: (slowest -"
                + " fastest) / median of bench.c's own rounds" : ""));
        if (!missing.isEmpty() || rows == 0) return 3;
        return within == rows ? 0 : 1;
    }

    /** The median over rounds of value/base − 1, in percent; rounds are paired by position. */
    static double paired(List<Double> values, List<Double> bases) {
        int n = Math.min(values.size(), bases.size());
        List<Double> ratios = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) ratios.add(percent(values.get(i), bases.get(i)));
        return median(ratios);
    }

    private static String pct(Double v) {
        return v == null ? "" : String.format("%+.1f%%", v);
    }

    private static String us(Double v) {
        return v == null ? "" : String.format("%.3f", v);
    }

    private static double percent(double value, double base) {
        return (value - base) / base * 100;
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
