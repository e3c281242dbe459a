package io.orion.client.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The compute-share benchmark's table (target against measured, with PASS/MISS) and its JSON twin. */
final class ShareReport {
    private final boolean judged;
    private final List<String> lines = new ArrayList<>();
    private final List<String> json = new ArrayList<>();

    /** {@code judged}: a real GPU; on the host backend every verdict is "n/a". */
    ShareReport(boolean judged) {
        this.judged = judged;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    static double spread(double[] v) {
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return (hi - lo) / 2;
    }

    String verdict(boolean ok) {
        return judged ? ok ? "PASS" : "MISS" : "n/a";
    }

    void heading(String text) {
        lines.add("");
        lines.add(text);
    }

    void line(String text) {
        lines.add(text);
    }

    /**
     * One vGPU of a case: its target share and the shares measured in each repetition; judged
     * against ±{@code tolerance} points unless {@code target} is negative (baseline: shown only).
     */
    void share(String mode, String ratios, String vgpu, double target, double[] measured, double[] gateSays, double tolerance) {
        double m = mean(measured), s = spread(measured);
        boolean ok = true; // every repetition within the tolerance, not just their mean
        for (double x : measured) ok &= Math.abs(x - target) <= tolerance;
        String verdict = target < 0 ? "" : verdict(ok);
        double g = mean(gateSays);
        lines.add(String.format(Locale.ROOT, "  %-8s %-13s %-9s %7s  %6.1f ± %4.1f %%   gate says %7s   %s", mode, ratios, vgpu,
                target < 0 ? "-" : String.format(Locale.ROOT, "%.0f %%", target), m, s,
                g < 0 ? "-" : String.format(Locale.ROOT, "%5.1f %%", g), verdict));
        json.add(String.format(Locale.ROOT, "{\"case\":\"share\",\"mode\":\"%s\",\"ratios\":\"%s\",\"vgpu\":\"%s\",\"target\":%.1f,"
                + "\"mean\":%.2f,\"spread\":%.2f,\"gate\":%.2f,\"runs\":%s}", mode, ratios, vgpu, target, m, s, mean(gateSays),
                java.util.Arrays.toString(measured)));
    }

    /** The whole GPU's use in a case: total share and switches per second, and from them the cost of a switch. */
    void total(String mode, String ratios, double[] total, double switchesPerSecond) {
        double lost = 100 - mean(total);
        String cost = switchesPerSecond > 1 ? String.format(Locale.ROOT, "%5.0f us lost per switch", lost / 100 * 1e6 / switchesPerSecond) : "";
        lines.add(String.format(Locale.ROOT, "  %-8s %-13s %-9s %7s  %6.1f ± %4.1f %%   %6.1f switches/s  %s", mode, ratios, "total", "",
                mean(total), spread(total), switchesPerSecond, cost));
        json.add(String.format(Locale.ROOT, "{\"case\":\"total\",\"mode\":\"%s\",\"ratios\":\"%s\",\"mean\":%.2f,\"spread\":%.2f,"
                + "\"switchesPerSecond\":%.1f}", mode, ratios, mean(total), spread(total), switchesPerSecond));
    }

    void settle(String mode, double[] millis, double limit) {
        double worst = 0;
        for (double v : millis) worst = Math.max(worst, v < 0 ? Double.MAX_VALUE : v);
        lines.add(String.format(Locale.ROOT, "  %-8s 50/50 -> 20/80: new share within ±5 points after %s ms (each run)   %s", mode,
                java.util.Arrays.toString(java.util.Arrays.stream(millis).mapToLong(Math::round).toArray()), verdict(worst <= limit)));
        json.add(String.format(Locale.ROOT, "{\"case\":\"ratio-change\",\"mode\":\"%s\",\"settleMillis\":%s}", mode,
                java.util.Arrays.toString(millis)));
    }

    void overhead(String what, double[] rate, double[] direct, String unit, double floor) {
        double[] ratio = new double[rate.length];
        for (int i = 0; i < rate.length; i++) ratio[i] = rate[i] / direct[i];
        lines.add(String.format(Locale.ROOT, "  %-40s %12.1f %s  x%.3f ± %.3f   %s", what, mean(rate), unit, mean(ratio), spread(ratio),
                floor > 0 ? ">= " + floor + "x " + verdict(mean(ratio) >= floor) : ""));
        json.add(String.format(Locale.ROOT, "{\"case\":\"overhead\",\"what\":\"%s\",\"rate\":%.3f,\"unit\":\"%s\",\"ratio\":%.4f,\"spread\":%.4f}",
                what, mean(rate), unit, mean(ratio), spread(ratio)));
    }

    String table(String header) {
        StringBuilder b = new StringBuilder(header);
        lines.forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    String json(String header) {
        return "{" + header + ",\"results\":[\n  " + String.join(",\n  ", json) + "\n]}";
    }
}
