package io.orion.portal.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeStatus;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuUsage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recent GPU and vGPU usage, for the portal's graphs. The pool keeps only each server's latest
 * heartbeat, so this component looks at every node's status on a timer and keeps what each new
 * heartbeat reported in a bounded {@link SampleRing} per GPU and per vGPU. A heartbeat is taken
 * once, stamped with its own time (not the sampler's), so the graphs show when things were
 * measured and a silent server leaves a gap instead of a flat line.
 *
 * <p>Changing the configuration restarts the component, and with it the history.
 */
@Component(service = UsageHistory.class, immediate = true, configurationPid = UsageHistory.PID)
@Designate(ocd = HistoryConfig.class)
public final class UsageHistory {

    static final String PID = "io.orion.portal.history";
    private static final Logger LOG = LoggerFactory.getLogger(UsageHistory.class);

    static final int GPU_COLUMNS = 5;   // util %, memory util %, memory used MiB, temperature °C, power W
    static final int VGPU_COLUMNS = 5;  // share %, memory used MiB, launches/s, bytes/s, held back ms/s

    private record GpuSeries(String node, SampleRing ring) {}

    /** A vGPU's ring, and its counters at the last sample, from which the next one's rates are taken. */
    private static final class VgpuSeries {
        final String node, gpu;
        final SampleRing ring;
        long lastTime = Long.MIN_VALUE, launches, bytesMoved, heldBackMillis;

        VgpuSeries(String node, String gpu, SampleRing ring) {
            this.node = node;
            this.gpu = gpu;
            this.ring = ring;
        }
    }

    private final PoolService pool;
    private final Clock clock;
    private final int sampleMillis, historySeconds, capacity;
    private final Map<String, GpuSeries> gpus = new ConcurrentHashMap<>();
    private final Map<String, VgpuSeries> vgpus = new ConcurrentHashMap<>();
    /** Per node, the heartbeat already sampled. Only the sampler thread touches it. */
    private final Map<String, Instant> sampledBeat = new HashMap<>();
    private final ScheduledExecutorService timer;

    @Activate
    public UsageHistory(@Reference PoolService pool, HistoryConfig config) {
        this(pool, config.sampleMillis(), config.historySeconds(), Clock.systemUTC(), true);
    }

    UsageHistory(PoolService pool, int sampleMillis, int historySeconds, Clock clock, boolean startTimer) {
        if (sampleMillis < 100) throw new IllegalArgumentException("sampleMillis must be >= 100, was " + sampleMillis);
        if (historySeconds < 10) throw new IllegalArgumentException("historySeconds must be >= 10, was " + historySeconds);
        this.pool = pool;
        this.clock = clock;
        this.sampleMillis = sampleMillis;
        this.historySeconds = historySeconds;
        // At most one heartbeat per node is taken per look, so this many samples cover the history.
        this.capacity = (int) Math.min(1_000_000, (historySeconds * 1000L + sampleMillis - 1) / sampleMillis + 1);
        if (startTimer) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                    .name("orion-portal-sampler").unstarted(r));
            timer.scheduleWithFixedDelay(this::sampleSafely, 0, sampleMillis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (timer != null) timer.shutdownNow();
    }

    int sampleMillis() { return sampleMillis; }

    int historySeconds() { return historySeconds; }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and keep sampling.
            LOG.warn("portal history: sampling the pool failed: {}", e.toString(), e);
        }
    }

    /** One look at the pool: takes every node's heartbeat that was not taken yet, forgets what left the pool. */
    void sample() {
        PoolView view = pool.snapshot();
        Map<String, Vgpu> placed = new HashMap<>();
        for (Vgpu v : pool.vgpus()) placed.put(v.id(), v);
        Set<String> nodes = new HashSet<>(), gpuIds = new HashSet<>();
        for (NodeView node : view.nodes()) {
            nodes.add(node.name());
            Set<String> own = new HashSet<>();
            for (GpuView g : node.gpus()) own.add(g.uuid());
            gpuIds.addAll(own);
            Optional<NodeStatus> status = pool.nodeStatus(node.name());
            if (status.isEmpty()) continue;
            Instant beat = status.get().lastHeartbeat();
            Instant taken = sampledBeat.get(node.name());
            if (beat == null || (taken != null && !beat.isAfter(taken))) continue;
            sampledBeat.put(node.name(), beat);
            long t = beat.toEpochMilli();
            for (GpuUsage u : status.get().report().gpus()) {
                if (!own.contains(u.gpuUuid())) continue; // a GPU the node did not register: nothing to draw it under
                gpus.computeIfAbsent(u.gpuUuid(), id -> new GpuSeries(node.name(), new SampleRing(capacity, GPU_COLUMNS)))
                        .ring().add(t, u.utilPercent(), u.memoryUtilPercent(), u.memoryUsedMiB(), u.temperatureC(),
                                (float) u.powerWatts());
            }
            for (VgpuUsage u : status.get().report().vgpus()) {
                Vgpu v = placed.get(u.vgpuId());
                if (v == null || !v.node().equals(node.name())) continue; // released meanwhile, or not this node's
                VgpuSeries s = vgpus.computeIfAbsent(v.id(), id -> new VgpuSeries(v.node(), v.gpuUuid(),
                        new SampleRing(capacity, VGPU_COLUMNS)));
                addVgpuSample(s, t, u);
            }
        }
        gpus.keySet().retainAll(gpuIds);
        vgpus.keySet().retainAll(placed.keySet());
        sampledBeat.keySet().retainAll(nodes);
    }

    private static void addVgpuSample(VgpuSeries s, long t, VgpuUsage u) {
        float launchRate = -1, byteRate = -1, heldRate = -1;
        // Counters only grow while one process holds the vGPU; a drop means a new process: no rate then.
        if (s.lastTime != Long.MIN_VALUE && t > s.lastTime && u.launches() >= s.launches && u.bytesMoved() >= s.bytesMoved
                && u.heldBackMillis() >= s.heldBackMillis) {
            double seconds = (t - s.lastTime) / 1000.0;
            launchRate = (float) ((u.launches() - s.launches) / seconds);
            byteRate = (float) ((u.bytesMoved() - s.bytesMoved) / seconds);
            heldRate = (float) ((u.heldBackMillis() - s.heldBackMillis) / seconds);
        }
        if (!s.ring.add(t, (float) u.sharePercent(), u.memoryUsedMiB(), launchRate, byteRate, heldRate)) return;
        s.lastTime = t;
        s.launches = u.launches();
        s.bytesMoved = u.bytesMoved();
        s.heldBackMillis = u.heldBackMillis();
    }

    /**
     * The samples of the last {@code windowSeconds}, and of those only the ones after
     * {@code afterMillis} (so that a page polling for news gets only what is new).
     */
    History read(int windowSeconds, long afterMillis) {
        if (windowSeconds < 1 || windowSeconds > historySeconds)
            throw new IllegalArgumentException("query parameter 'seconds' must be 1.." + historySeconds + ", was " + windowSeconds);
        long now = clock.millis();
        long notBefore = now - windowSeconds * 1000L;
        List<History.Gpu> g = new ArrayList<>();
        // Pool order (node, then GPU index) so the page lists them as the GPU table does.
        for (NodeView node : pool.snapshot().nodes()) {
            for (GpuView view : node.gpus()) {
                GpuSeries s = gpus.get(view.uuid());
                if (s == null) continue;
                SampleRing.Columns c = s.ring().read(afterMillis, notBefore);
                float[][] v = c.values();
                g.add(new History.Gpu(view.uuid(), s.node(), c.times(), v[0], v[1], v[2], v[3], v[4]));
            }
        }
        List<History.Vgpu> vg = new ArrayList<>();
        vgpus.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            VgpuSeries s = e.getValue();
            SampleRing.Columns c = s.ring.read(afterMillis, notBefore);
            float[][] v = c.values();
            vg.add(new History.Vgpu(e.getKey(), s.node, s.gpu, c.times(), v[0], v[1], v[2], v[3], v[4]));
        });
        return new History(now, windowSeconds, sampleMillis, historySeconds, pool.heartbeatInterval().toMillis(), g, vg);
    }
}
