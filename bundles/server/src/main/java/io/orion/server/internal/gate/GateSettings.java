package io.orion.server.internal.gate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validated settings of the compute gate (configuration {@code io.orion.server}, keys
 * {@code compute*}; the benchmark and tests build them directly).
 *
 * @param mode        server-wide default: {@code strict}, {@code elastic}, or {@code off} (no gate)
 * @param vgpuModes   per-vGPU exceptions, {@code PATTERN=strict|elastic}; the pattern is a glob
 *                    ({@code *}, {@code ?}) matched against the vGPU id and its group; the first
 *                    match wins
 * @param slice       how long one vGPU holds the GPU before the gate reconsiders
 * @param lookahead   GPU work the holder may have queued ahead; bounds how long a hand-over waits
 *                    for the previous holder's work to drain
 * @param quantum     GPU work between two timing events of one stream: the measuring granularity,
 *                    and what keeps tiny kernels from paying an event each
 * @param idleGrace   how long a holder may stop launching before its slice goes to a waiting vGPU
 * @param shareWindow the window the reported share is consumed over
 */
public record GateSettings(ComputeMode mode, List<String> vgpuModes, Duration slice, Duration lookahead,
                           Duration quantum, Duration idleGrace, Duration shareWindow) {

    /** One parsed {@code PATTERN=MODE} entry. */
    private record Rule(Pattern pattern, ComputeMode mode) {}

    public GateSettings {
        if (mode == null) throw new IllegalArgumentException("computeMode must be strict, elastic or off, was null");
        vgpuModes = List.copyOf(vgpuModes == null ? List.of() : vgpuModes);
        for (String r : vgpuModes) rule(r);
        range("computeSliceMillis", slice, Duration.ofMillis(1), Duration.ofSeconds(1));
        range("computeLookaheadMillis", lookahead, Duration.ofMillis(1), Duration.ofMillis(100));
        range("computeQuantumMicros", quantum, Duration.ofNanos(50_000), Duration.ofMillis(10));
        range("computeIdleGraceMicros", idleGrace, Duration.ofNanos(100_000), Duration.ofMillis(100));
        range("computeShareWindowMillis", shareWindow, Duration.ofMillis(500), Duration.ofMinutes(1));
        if (quantum.compareTo(lookahead) > 0)
            throw new IllegalArgumentException("computeQuantumMicros (" + quantum.toNanos() / 1000
                    + ") must not exceed computeLookaheadMillis (" + lookahead.toMillis() + " ms)");
    }

    private static void range(String key, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0)
            throw new IllegalArgumentException(key + " must be " + show(min) + ".." + show(max) + ", was " + (d == null ? "null" : show(d)));
    }

    private static String show(Duration d) {
        long n = d.toNanos();
        return n % 1_000_000 == 0 ? n / 1_000_000 + " ms" : n / 1000 + " us";
    }

    /** Elastic, 10 ms slices, 2 ms lookahead, 0.5 ms quantum, 1 ms idle grace, a 5 s share window. */
    public static GateSettings defaults() {
        return new GateSettings(ComputeMode.ELASTIC, List.of(), Duration.ofMillis(10), Duration.ofMillis(2),
                Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofSeconds(5));
    }

    public GateSettings withMode(ComputeMode m) {
        return new GateSettings(m, vgpuModes, slice, lookahead, quantum, idleGrace, shareWindow);
    }

    public GateSettings withVgpuModes(List<String> rules) {
        return new GateSettings(mode, rules, slice, lookahead, quantum, idleGrace, shareWindow);
    }

    public GateSettings withSlice(Duration d) {
        return new GateSettings(mode, vgpuModes, d, lookahead, quantum, idleGrace, shareWindow);
    }

    public GateSettings withShareWindow(Duration d) {
        return new GateSettings(mode, vgpuModes, slice, lookahead, quantum, idleGrace, d);
    }

    /** Whether launches pass a gate at all. */
    public boolean enabled() {
        return mode != ComputeMode.OFF;
    }

    /** The mode of one vGPU: the first rule matching its id or group, else the server's mode. */
    public ComputeMode modeOf(String vgpuId, String groupId) {
        for (String r : vgpuModes) {
            Rule rule = rule(r);
            if (rule.pattern.matcher(vgpuId).matches() || (!groupId.isEmpty() && rule.pattern.matcher(groupId).matches()))
                return rule.mode;
        }
        return mode == ComputeMode.OFF ? ComputeMode.ELASTIC : mode;
    }

    private static Rule rule(String entry) {
        int eq = entry == null ? -1 : entry.lastIndexOf('=');
        if (eq <= 0)
            throw new IllegalArgumentException("computeVgpuModes entries are PATTERN=strict|elastic, was '" + entry + "'");
        ComputeMode m = ComputeMode.parse(entry.substring(eq + 1), "the mode in computeVgpuModes entry '" + entry + "'", false);
        return new Rule(glob(entry.substring(0, eq).trim()), m);
    }

    private static Pattern glob(String g) {
        List<String> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (char c : g.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!lit.isEmpty()) parts.add(Pattern.quote(lit.toString()));
                lit.setLength(0);
                parts.add(c == '*' ? ".*" : ".");
            } else {
                lit.append(c);
            }
        }
        if (!lit.isEmpty()) parts.add(Pattern.quote(lit.toString()));
        return Pattern.compile(String.join("", parts));
    }
}
