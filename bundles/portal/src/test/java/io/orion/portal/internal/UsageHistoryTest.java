package io.orion.portal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuUsage;

import org.junit.jupiter.api.Test;

class UsageHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        Instant now = T0;
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private final FakePool fake = new FakePool();
    private final TestClock clock = new TestClock();
    private final UsageHistory history = new UsageHistory(fake.service(), 1000, 600, clock, false);

    private static NodeReport gpus(GpuUsage... usage) {
        return new NodeReport(List.of(usage), List.of(), List.of());
    }

    private static GpuUsage util(String gpu, int percent) {
        return new GpuUsage(gpu, percent, percent / 2, 1000 + percent, 60, 250.5);
    }

    private void beatAt(long secondsAfterT0, NodeReport report) {
        clock.now = T0.plusSeconds(secondsAfterT0);
        fake.beat("n1", clock.now, report);
        history.sample();
    }

    @Test
    void takesEachHeartbeatOnceStampedWithItsOwnTime() {
        fake.node("n1", "GPU-A", "GPU-B");
        fake.beat("n1", T0, gpus(util("GPU-A", 10)));
        clock.now = T0.plusMillis(700); // sampled later than it arrived
        history.sample();
        history.sample(); // the same heartbeat again: no second point
        beatAt(5, gpus(util("GPU-A", 50), util("GPU-B", 7)));

        History h = history.read(300, Long.MIN_VALUE);
        assertEquals(clock.millis(), h.now());
        assertEquals(5000, h.heartbeatMillis());
        assertEquals(2, h.gpus().size());
        History.Gpu a = h.gpus().get(0);
        assertEquals("GPU-A", a.uuid());
        assertEquals("n1", a.node());
        assertArrayEquals(new long[] {T0.toEpochMilli(), T0.plusSeconds(5).toEpochMilli()}, a.t());
        assertArrayEquals(new float[] {10, 50}, a.utilPercent());
        assertArrayEquals(new float[] {5, 25}, a.memoryUtilPercent());
        assertArrayEquals(new float[] {1010, 1050}, a.memoryUsedMiB());
        assertArrayEquals(new float[] {250.5f, 250.5f}, a.powerWatts());
        assertArrayEquals(new float[] {7}, h.gpus().get(1).utilPercent(), "GPU-B reported once");
    }

    @Test
    void keepsUnreadableValuesAsMinusOneAndIgnoresGpusTheNodeDidNotRegister() {
        fake.node("n1", "GPU-A");
        beatAt(1, gpus(new GpuUsage("GPU-A", -1, -1, 512, -1, -1), util("GPU-STRANGER", 99)));
        History h = history.read(60, Long.MIN_VALUE);
        assertEquals(1, h.gpus().size());
        assertArrayEquals(new float[] {-1}, h.gpus().get(0).utilPercent());
        assertArrayEquals(new float[] {512}, h.gpus().get(0).memoryUsedMiB());
    }

    @Test
    void vgpuRatesComeFromTheCountersBetweenTwoHeartbeats() {
        fake.node("n1", "GPU-A");
        fake.vgpus.add(new Vgpu("vgpu-1", "alloc-1", 0, "n1", "GPU-A", 4096, 50, "g"));
        beatAt(0, vgpu("vgpu-1", 100, 1_000, 0));
        beatAt(2, vgpu("vgpu-1", 300, 5_000, 500));       // +200 launches, +4000 bytes, +500 ms in 2 s
        beatAt(4, vgpu("vgpu-1", 10, 10, 0));             // counters fell: a new process, no rate
        beatAt(5, vgpu("vgpu-1", 30, 1_010, 100));

        History.Vgpu v = history.read(60, Long.MIN_VALUE).vgpus().getFirst();
        assertEquals("vgpu-1", v.id());
        assertEquals("GPU-A", v.gpu());
        assertArrayEquals(new float[] {-1, 100, -1, 20}, v.launchesPerSecond());
        assertArrayEquals(new float[] {-1, 2000, -1, 1000}, v.bytesPerSecond());
        assertArrayEquals(new float[] {-1, 250, -1, 100}, v.heldBackMillisPerSecond());
        assertArrayEquals(new float[] {42.5f, 42.5f, 42.5f, 42.5f}, v.sharePercent());
        assertArrayEquals(new float[] {2048, 2048, 2048, 2048}, v.memoryUsedMiB());
    }

    private static NodeReport vgpu(String id, long launches, long bytes, long heldBack) {
        return new NodeReport(List.of(), List.of(new VgpuUsage(id, "1@host", 2048, launches, bytes, 42.5, heldBack)), List.of());
    }

    @Test
    void ignoresUsageOfVgpusThePoolDoesNotPlaceOnThatNode() {
        fake.node("n1", "GPU-A");
        fake.node("n2", "GPU-B");
        fake.vgpus.add(new Vgpu("vgpu-2", "alloc-2", 0, "n2", "GPU-B", 4096, 50, ""));
        beatAt(1, new NodeReport(List.of(), List.of(new VgpuUsage("vgpu-2", "", 1, 1, 1, 1, 1),
                new VgpuUsage("vgpu-unknown", "", 1, 1, 1, 1, 1)), List.of()));
        assertEquals(List.of(), history.read(60, Long.MIN_VALUE).vgpus());
    }

    @Test
    void forgetsGpusAndVgpusThatLeftThePool() {
        fake.node("n1", "GPU-A");
        fake.vgpus.add(new Vgpu("vgpu-1", "alloc-1", 0, "n1", "GPU-A", 4096, 50, ""));
        beatAt(1, new NodeReport(List.of(util("GPU-A", 5)), List.of(new VgpuUsage("vgpu-1", "", 1, 1, 1, 1, 1)), List.of()));
        assertEquals(1, history.read(60, Long.MIN_VALUE).vgpus().size());

        fake.vgpus.clear();
        history.sample();
        assertEquals(List.of(), history.read(60, Long.MIN_VALUE).vgpus(), "released");
        assertEquals(1, history.read(60, Long.MIN_VALUE).gpus().size());

        fake.nodes.clear();
        fake.status.clear();
        history.sample();
        assertEquals(List.of(), history.read(60, Long.MIN_VALUE).gpus(), "the node was removed");
    }

    @Test
    void readsTheWindowAndOnlyWhatIsNewAfterAPoll() {
        fake.node("n1", "GPU-A");
        for (int s = 0; s <= 100; s += 10) beatAt(s, gpus(util("GPU-A", s)));
        History.Gpu last30 = history.read(30, Long.MIN_VALUE).gpus().getFirst();
        assertArrayEquals(new float[] {70, 80, 90, 100}, last30.utilPercent(), "samples of the last 30 s, the edge included");
        long after = T0.plusSeconds(80).toEpochMilli();
        assertArrayEquals(new float[] {90, 100}, history.read(300, after).gpus().getFirst().utilPercent());
    }

    @Test
    void boundsWhatItKeepsByTheHistoryLength() {
        UsageHistory small = new UsageHistory(fake.service(), 1000, 10, clock, false);
        fake.node("n1", "GPU-A");
        for (int i = 0; i < 50; i++) {
            clock.now = T0.plusMillis(i);
            fake.beat("n1", clock.now, gpus(util("GPU-A", i)));
            small.sample();
        }
        float[] kept = small.read(10, Long.MIN_VALUE).gpus().getFirst().utilPercent();
        assertEquals(11, kept.length, "10 s at one look a second, and the edge");
        assertEquals(49f, kept[10]);
    }

    @Test
    void namesABadWindowAndBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> history.read(601, -1));
        assertTrue(e.getMessage().contains("'seconds' must be 1..600, was 601"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> history.read(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new UsageHistory(fake.service(), 50, 600, clock, false));
        assertThrows(IllegalArgumentException.class, () -> new UsageHistory(fake.service(), 1000, 5, clock, false));
    }
}
