package io.orion.server.internal.gate;

import static io.orion.server.internal.gate.GateSimulation.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The compute gate's scheduling in simulated time (GateSimulation): shares against ratios, strict
 * caps, elastic lending, live ratio changes, groups, starvation, and that a lone elastic vGPU costs
 * the gate thread nothing. Targets as on the GPU: within ±5 points.
 */
class ShareSchedulerTest {
    private static final long SECOND = 1000 * MS;

    private static GateSettings settings(ComputeMode mode) {
        return GateSettings.defaults().withMode(mode);
    }

    /** Every vGPU saturating with kernels of {@code kernelMicros}; shares over seconds 1–6. */
    @ParameterizedTest(name = "{0} {1} with {2} us kernels")
    @CsvSource({
        "elastic, 50/50, 1000", "elastic, 30/70, 1000", "elastic, 10/90, 1000", "elastic, 20/30/50, 1000", "elastic, 25/25/25/25, 1000",
        "strict, 50/50, 1000", "strict, 30/70, 1000", "strict, 10/90, 1000", "strict, 20/30/50, 1000", "strict, 25/25/25/25, 1000",
        "elastic, 30/70, 20", "elastic, 10/90, 5000", "strict, 20/30/50, 300", "elastic, 25/25/25/25, 7000"})
    void sharesFollowRatios(String mode, String ratios, long kernelMicros) {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.parse(mode, "mode", false)));
        List<GateSimulation.Vgpu> vs = new ArrayList<>();
        String[] rs = ratios.split("/");
        for (int i = 0; i < rs.length; i++) {
            GateSimulation.Vgpu v = sim.vgpu("v" + i, Integer.parseInt(rs[i]));
            sim.busy(v, kernelMicros * 1000);
            vs.add(v);
        }
        sim.runUntil(6 * SECOND);
        double total = 0;
        for (GateSimulation.Vgpu v : vs) {
            double share = v.share(SECOND, 6 * SECOND);
            total += share;
            assertEquals(v.ratio, share, 5.0, v.id + " at " + v.ratio + "%: " + shares(vs, SECOND, 6 * SECOND));
            // what the gate reports over its window agrees with what the GPU did
            assertEquals(v.share(SECOND, 6 * SECOND), v.account.sharePercent(sim.now, 5 * SECOND), 3.0, v.id + " reported share");
        }
        assertTrue(total > 97, "the GPU stays busy: " + shares(vs, SECOND, 6 * SECOND));
    }

    @Test
    void strictCapsAnIdleGpu() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.STRICT));
        GateSimulation.Vgpu v = sim.vgpu("alone", 30);
        sim.busy(v, MS);
        sim.runUntil(6 * SECOND);
        assertEquals(30, v.share(SECOND, 6 * SECOND), 2.0);
        assertTrue(v.account.heldBackMillis(sim.now) > 3000, "held back most of the time: " + v.account.heldBackMillis(sim.now) + " ms");
    }

    @Test
    void elasticLendsTheIdleGpuAndGivesItBack() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu a = sim.vgpu("a", 30), b = sim.vgpu("b", 70);
        sim.busy(a, MS);
        sim.client(b, MS, t -> t >= 3 * SECOND);
        sim.runUntil(7 * SECOND);
        assertTrue(a.share(SECOND, 3 * SECOND) > 97, "alone, a borrows the idle GPU: " + a.share(SECOND, 3 * SECOND));
        // b is served within a slice and a drain of the lookahead once it asks
        assertTrue(b.share(3 * SECOND, 3 * SECOND + 20 * MS) > 0, "b waited more than 20 ms");
        assertEquals(30, a.share(4 * SECOND, 7 * SECOND), 5.0);
        assertEquals(70, b.share(4 * SECOND, 7 * SECOND), 5.0);
    }

    @Test
    void strictTenantBesideElasticOneKeepsItsCapAndTheOtherTakesTheRest() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC).withVgpuModes(List.of("capped*=strict")));
        GateSimulation.Vgpu s = sim.vgpu("capped-1", 30), e = sim.vgpu("free-1", 20);
        sim.busy(s, MS);
        sim.busy(e, MS);
        sim.runUntil(6 * SECOND);
        assertEquals(30, s.share(SECOND, 6 * SECOND), 3.0);
        assertEquals(70, e.share(SECOND, 6 * SECOND), 5.0);
    }

    /** A ratio changed mid-run: the new share holds in every 200 ms window from at most a second later. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"elastic", "strict"})
    void ratioChangeReachesTheNewShareWithinASecond(String mode) {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.parse(mode, "mode", false)));
        GateSimulation.Vgpu a = sim.vgpu("a", 50), b = sim.vgpu("b", 50);
        sim.busy(a, MS);
        sim.busy(b, MS);
        long change = 3 * SECOND;
        sim.at(change, () -> {
            a.ratio = 20;
            b.ratio = 80;
        });
        sim.runUntil(7 * SECOND);
        long settled = -1;
        for (long t = change; t + 200 * MS <= 7 * SECOND; t += 10 * MS) {
            boolean ok = Math.abs(a.share(t, t + 200 * MS) - 20) <= 5;
            if (ok && settled < 0) settled = t;
            if (!ok) settled = -1;
        }
        assertTrue(settled >= 0 && settled + 200 * MS - change <= SECOND, "new share reached "
                + (settled < 0 ? "never" : (settled + 200 * MS - change) / MS + " ms after the change"));
    }

    @Test
    void processesOfOneGroupShareOneRatio() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu pod = sim.vgpu("pod-vgpu", "pod-1", 50), other = sim.vgpu("other", 50);
        sim.busy(pod, MS); // two processes of the pod, one vGPU
        sim.busy(pod, 700_000);
        sim.busy(other, MS);
        sim.runUntil(6 * SECOND);
        assertEquals(50, pod.share(SECOND, 6 * SECOND), 5.0, "the two processes together");
        assertEquals(50, other.share(SECOND, 6 * SECOND), 5.0);
    }

    /** A pod whose processes each got a vGPU (through the controller): the group still has one ratio, not one per process. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"elastic", "strict"})
    void vgpusOfOneGroupShareTheGroupsRatio(String mode) {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.parse(mode, "mode", false)));
        GateSimulation.Vgpu a = sim.vgpu("pod-a", "pod-1", 50), b = sim.vgpu("pod-b", "pod-1", 50), other = sim.vgpu("other", 50);
        sim.busy(a, MS);
        sim.busy(b, 700_000);
        sim.busy(other, MS);
        sim.runUntil(6 * SECOND);
        assertEquals(50, sim.groupShare("pod-1", SECOND, 6 * SECOND), 2.0, "the pod's two vGPUs together");
        assertEquals(50, other.share(SECOND, 6 * SECOND), 2.0);
        assertTrue(a.share(SECOND, 6 * SECOND) > 10 && b.share(SECOND, 6 * SECOND) > 10, "both processes of the pod are served: "
                + a.share(SECOND, 6 * SECOND) + " and " + b.share(SECOND, 6 * SECOND));
        // what each vGPU consumed is its own; its group's account has the sum
        long sum = a.account.gpuMillis() + b.account.gpuMillis();
        assertEquals(sum, a.groupAccount.gpuMillis(), 2.0, "the group's GPU time is its vGPUs' summed");
        // as reported: over the share window (5 s), the group's, not a vGPU's
        assertEquals(sim.groupShare("pod-1", SECOND, 6 * SECOND), a.groupAccount.sharePercent(sim.now, 5 * SECOND), 2.0);
        assertTrue(a.groupAccount.heldBackMillis(sim.now) >= Math.max(a.account.heldBackMillis(sim.now), b.account.heldBackMillis(sim.now))
                && a.groupAccount.heldBackMillis(sim.now) <= a.account.heldBackMillis(sim.now) + b.account.heldBackMillis(sim.now),
                "the group was held back while any of its processes was, counted once");
    }

    @Test
    void aStrictGroupAloneGetsItsRatioOnceNotPerVgpu() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.STRICT));
        GateSimulation.Vgpu a = sim.vgpu("pod-a", "pod-1", 30), b = sim.vgpu("pod-b", "pod-1", 30);
        sim.busy(a, MS);
        sim.busy(b, MS);
        sim.runUntil(6 * SECOND);
        assertEquals(30, sim.groupShare("pod-1", SECOND, 6 * SECOND), 2.0, "not 60: one ratio for the pod");
    }

    /** Different ratios in one group: the one set last is the group's; a resize of any of its vGPUs applies at once. */
    @Test
    void theGroupsRatioIsTheOneSetLast() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu a = sim.vgpu("pod-a", "pod-1", 30), b = sim.vgpu("pod-b", "pod-1", 60), other = sim.vgpu("other", 40);
        sim.busy(a, MS);
        sim.busy(b, MS);
        sim.busy(other, MS);
        sim.at(4 * SECOND, () -> a.resize(20));
        sim.runUntil(8 * SECOND);
        assertEquals(60, sim.groupShare("pod-1", SECOND, 4 * SECOND), 2.0, "pod-b, granted last, sets 60 against 40");
        assertEquals(40, other.share(SECOND, 4 * SECOND), 2.0);
        assertEquals(100 * 20 / 60.0, sim.groupShare("pod-1", 5 * SECOND, 8 * SECOND), 2.0, "pod-a resized to 20 last: 20 against 40");
        assertEquals(100 * 40 / 60.0, other.share(5 * SECOND, 8 * SECOND), 2.0);
    }

    @Test
    void aTinyShareIsNotStarved() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu small = sim.vgpu("small", 1), big = sim.vgpu("big", 99);
        sim.busy(small, MS);
        sim.busy(big, MS);
        sim.runUntil(11 * SECOND);
        assertEquals(1, small.share(SECOND, 11 * SECOND), 0.5);
        // one slice (plus its lookahead) per about slice × 100 of GPU time
        assertTrue(sim.longestWait < 1500 * MS, "longest wait " + sim.longestWait / MS + " ms");
    }

    @Test
    void aNewcomerIsServedWithinASliceOfALongHolder() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu a = sim.vgpu("a", 50), b = sim.vgpu("b", 50);
        sim.busy(a, MS);
        GateSimulation.Client late = sim.client(b, MS, t -> t >= 5 * SECOND);
        sim.runUntil(6 * SECOND);
        // a held the GPU alone for 5 s: b waits for a's queued work (the lookahead) and the hand-over, no more
        long waited = late.firstLaunch - 5 * SECOND;
        assertTrue(waited >= 0 && waited <= 2 * MS + MS + 100_000, "b waited " + waited / 1000 + " us");
        assertEquals(50, b.share(5200 * MS, 6 * SECOND), 5.0);
    }

    @Test
    void aQuietHolderGivesItsSliceAway() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu bursty = sim.vgpu("bursty", 50), busy = sim.vgpu("busy", 50);
        // 2 ms of work every 20 ms: it needs 10 % of the GPU, the rest should not idle
        sim.client(bursty, 500_000, t -> t % (20 * MS) < 2 * MS);
        sim.busy(busy, MS);
        sim.runUntil(5 * SECOND);
        assertTrue(busy.share(SECOND, 5 * SECOND) > 80, "the busy one gets the bursty one's idle time: "
                + busy.share(SECOND, 5 * SECOND));
        assertTrue(bursty.share(SECOND, 5 * SECOND) > 8, "the bursty one is still served: " + bursty.share(SECOND, 5 * SECOND));
    }

    @Test
    void aLoneElasticVgpuNeedsNoDecisions() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.ELASTIC));
        GateSimulation.Vgpu v = sim.vgpu("alone", 30);
        sim.busy(v, 20_000);
        sim.runUntil(3 * SECOND);
        assertEquals(1, sim.decisions.getOrDefault(Decision.Kind.GRANT, 0), "granted once");
        assertEquals(0, sim.decisions.getOrDefault(Decision.Kind.CLOSE, 0), "never closed");
        assertEquals(0, sim.decisions.getOrDefault(Decision.Kind.PROBE, 0), "never probed");
        assertTrue(v.share(SECOND, 3 * SECOND) > 99);
    }

    @Test
    void strictAtOneHundredIsNotCapped() {
        GateSimulation sim = new GateSimulation(settings(ComputeMode.STRICT));
        GateSimulation.Vgpu v = sim.vgpu("full", 100);
        sim.busy(v, MS);
        sim.runUntil(3 * SECOND);
        assertTrue(v.share(SECOND, 3 * SECOND) > 99);
        assertEquals(0, sim.decisions.getOrDefault(Decision.Kind.CLOSE, 0));
    }

    private static String shares(List<GateSimulation.Vgpu> vs, long from, long to) {
        StringBuilder b = new StringBuilder();
        for (GateSimulation.Vgpu v : vs) b.append(String.format(Locale.ROOT, "%s=%.1f%% ", v.id, v.share(from, to)));
        return b.toString().trim();
    }
}
