package io.orion.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;
import io.orion.metrics.Samples;

import org.junit.jupiter.api.Test;

/** The server's own per-GPU and per-vGPU figures, as its collector writes them at a scrape. */
class ServerMetricsTest {

    private record Sample(String family, String type, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Samples sink = new Samples() {
        @Override public void gauge(String f, String h, Map<String, String> l, double v) { samples.add(new Sample(f, "gauge", l, v)); }
        @Override public void counter(String f, String h, Map<String, String> l, double v) { samples.add(new Sample(f, "counter", l, v)); }
    };

    private record Listing(List<VgpuStatus> vgpus) implements VgpuServer {
        @Override public VgpuStatus grant(VgpuGrant g) { throw new UnsupportedOperationException(); }
        @Override public boolean revoke(String id) { throw new UnsupportedOperationException(); }
        @Override public VgpuStatus resize(String id, long m, int r) { throw new UnsupportedOperationException(); }
        @Override public Optional<VgpuStatus> vgpu(String id) { return Optional.empty(); }
        @Override public List<SessionInfo> sessions() { return List.of(); }
        @Override public boolean closeSession(long id) { return false; }
    }

    /** Two GPUs: the first reads utilization and memory but no temperature or power, the second reads nothing. */
    private record TwoGpus() implements GpuBackend {
        @Override public String name() { return "fake"; }
        @Override public List<GpuDevice> devices() {
            return List.of(new GpuDevice(0, "GPU-A", "Fake H200", 4L << 30, 132, 9, 0, "0000:01:00.0", Map.of()),
                    new GpuDevice(1, "GPU-B", "Fake H200", 4L << 30, 132, 9, 0, "0000:02:00.0", Map.of()));
        }
        @Override public String status() { return "ready"; }
        @Override public GpuContext openContext(String uuid) { throw new UnsupportedOperationException(); }
        @Override public Optional<GpuTelemetry> telemetry(String uuid) {
            return uuid.equals("GPU-A") ? Optional.of(new GpuTelemetry(37, -1, 3L << 20, -1, -1, List.of(), Instant.EPOCH)) : Optional.empty();
        }
    }

    @Test
    void everyGpuAndVgpuWithWhatTheServerMeasured() {
        VgpuStatus used = new VgpuStatus(new VgpuGrant("v1", "GPU-A", 1024, 30, "pod-1"), 5L << 20, 2, false, 77, 100, 200, 300)
                .withCompute("strict", 29.5, 1500, 4000);
        VgpuStatus idle = new VgpuStatus(new VgpuGrant("v2", "GPU-A", 512, 20, ""), 0, 0, true);
        ServerMetrics.collect(sink, "node-1", new TwoGpus(), new Listing(List.of(used, idle)), Map.of("v1", "alloc-1"));

        assertEquals(4096, value("orion_server_gpu_memory_total_mib", Map.of("gpu", "GPU-A", "node", "node-1", "model", "Fake H200")));
        assertEquals(2, value("orion_server_gpu_vgpus", Map.of("gpu", "GPU-A")));
        assertEquals(0, value("orion_server_gpu_vgpus", Map.of("gpu", "GPU-B")));
        assertEquals(37, value("orion_server_gpu_utilization_percent", Map.of("gpu", "GPU-A")));
        assertEquals(3, value("orion_server_gpu_memory_used_mib", Map.of("gpu", "GPU-A")));
        assertTrue(find("orion_server_gpu_temperature_celsius", Map.of()).isEmpty(), "an unreadable figure is left out");
        assertTrue(find("orion_server_gpu_utilization_percent", Map.of("gpu", "GPU-B")).isEmpty(), "no telemetry, no utilization");

        Map<String, String> v1 = Map.of("node", "node-1", "vgpu", "v1", "allocation", "alloc-1", "gpu", "GPU-A", "group", "pod-1");
        assertEquals(1024, value("orion_server_vgpu_memory_quota_mib", v1));
        assertEquals(30, value("orion_server_vgpu_ratio_percent", v1));
        assertEquals(5, value("orion_server_vgpu_memory_used_mib", v1));
        assertEquals(2, value("orion_server_vgpu_sessions", v1));
        assertEquals(77, value("orion_server_vgpu_launches_total", v1));
        assertEquals("counter", find("orion_server_vgpu_launches_total", v1).get(0).type());
        assertEquals(100, value("orion_server_vgpu_bytes_moved_total", Map.of("vgpu", "v1", "direction", "to_device")));
        assertEquals(200, value("orion_server_vgpu_bytes_moved_total", Map.of("vgpu", "v1", "direction", "from_device")));
        assertEquals(300, value("orion_server_vgpu_bytes_moved_total", Map.of("vgpu", "v1", "direction", "on_device")));
        assertEquals(29.5, value("orion_server_vgpu_compute_share_percent", v1));
        assertEquals(1.5, value("orion_server_vgpu_held_back_seconds_total", v1));
        assertEquals(4.0, value("orion_server_vgpu_gpu_seconds_total", v1));

        Map<String, String> v2 = Map.of("vgpu", "v2", "allocation", "", "group", "");
        assertEquals(512, value("orion_server_vgpu_memory_quota_mib", v2), "a vGPU the server granted itself has no allocation");
        assertTrue(find("orion_server_vgpu_compute_share_percent", v2).isEmpty(), "gate off: no share sample");
    }

    @Test
    void noBackendStillListsTheVgpus() {
        VgpuStatus v = new VgpuStatus(new VgpuGrant("v1", "GPU-A", 1024, 30, ""), 0, 0, false);
        ServerMetrics.collect(sink, "node-1", null, new Listing(List.of(v)), Map.of());
        assertTrue(samples.stream().noneMatch(s -> s.family().startsWith("orion_server_gpu_")), samples.toString());
        assertEquals(1024, value("orion_server_vgpu_memory_quota_mib", Map.of("vgpu", "v1")));
    }

    private List<Sample> find(String family, Map<String, String> labels) {
        return samples.stream().filter(s -> s.family().equals(family) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    private double value(String family, Map<String, String> labels) {
        List<Sample> found = find(family, labels);
        assertEquals(1, found.size(), family + " " + labels + " in " + samples);
        return found.get(0).value();
    }
}
