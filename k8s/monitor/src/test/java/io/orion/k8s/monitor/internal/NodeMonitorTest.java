package io.orion.k8s.monitor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpServer;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;
import io.orion.k8s.client.ControllerClient;
import io.orion.metrics.Samples;

import org.junit.jupiter.api.Test;

class NodeMonitorTest {

    /** Samples as "family{labels} value" lines, labels sorted. */
    private static final class Lines implements Samples {
        final List<String> lines = new ArrayList<>();

        @Override public void gauge(String family, String help, Map<String, String> labels, double value) { add(family, labels, value); }

        @Override public void counter(String family, String help, Map<String, String> labels, double value) { add(family, labels, value); }

        private void add(String family, Map<String, String> labels, double value) {
            lines.add(family + new java.util.TreeMap<>(labels) + " " + value);
        }

        boolean has(String prefix) { return lines.stream().anyMatch(l -> l.startsWith(prefix)); }

        String value(String family, String labelPart) {
            return lines.stream().filter(l -> l.startsWith(family + "{") && l.contains(labelPart)).findFirst()
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElse(null);
        }
    }

    private static GpuBackend backend(List<GpuDevice> devices, GpuTelemetry telemetry) {
        return new GpuBackend() {
            @Override public String name() { return "cuda"; }
            @Override public List<GpuDevice> devices() { return devices; }
            @Override public String status() { return devices.isEmpty() ? "no driver" : "ready"; }
            @Override public GpuContext openContext(String uuid) { throw new UnsupportedOperationException(); }
            @Override public Optional<GpuTelemetry> telemetry(String uuid) { return Optional.ofNullable(telemetry); }
        };
    }

    @Test
    void gpuNodeWithVgpus() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/vgpus", ex -> {
            byte[] b = """
                    [{"id":"vgpu-1","allocationId":"alloc-1","node":"gpu-1","gpu":"GPU-a","memoryMiB":4096,"ratio":50,"groupId":"pod-1",
                      "usage":{"memoryUsedMiB":1024,"launches":77,"bytesMoved":4096,"sharePercent":48.5,"heldBackMillis":1500}},
                     {"id":"vgpu-2","allocationId":"alloc-2","node":"other","gpu":"GPU-z","memoryMiB":1,"ratio":1,"groupId":""}]"""
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        http.start();
        try {
            NodeMonitor m = new NodeMonitor("gpu-1", ControllerClient.of("127.0.0.1:" + http.getAddress().getPort(), Duration.ofSeconds(2)));
            m.addBackend(backend(List.of(new GpuDevice(0, "GPU-a", "NVIDIA H200", 150_000_000_000L, 132, 9, 0, "0000:19:00.0", Map.of())),
                    new GpuTelemetry(87, 40, 20_000_000_000L, 61, 512.5, List.of(), Instant.now())));
            Lines s = new Lines();
            m.collect(s);
            assertEquals("87.0", s.value("orion_gpu_utilization_percent", "uuid=GPU-a"));
            assertEquals("512.5", s.value("orion_gpu_power_watts", "uuid=GPU-a"));
            assertEquals("1.0", s.value("orion_node_gpus", "node=gpu-1"));
            assertEquals("1.0", s.value("orion_monitor_controller_up", "node=gpu-1"));
            assertEquals("1.0", s.value("orion_node_vgpus", "node=gpu-1"), "only this node's vGPUs");
            assertEquals(String.valueOf(4096.0 * 1024 * 1024), s.value("orion_vgpu_memory_quota_bytes", "vgpu=vgpu-1"));
            assertEquals("77.0", s.value("orion_vgpu_launches_total", "vgpu=vgpu-1"));
            assertEquals("1.5", s.value("orion_vgpu_held_back_seconds_total", "vgpu=vgpu-1"));
            // the controller's name for the same measure (docs/metrics.md): one query serves both exporters
            assertEquals("48.5", s.value("orion_vgpu_compute_share_percent", "vgpu=vgpu-1"));
            assertFalse(s.has("orion_vgpu_share_percent"));
            assertFalse(s.lines.stream().anyMatch(l -> l.contains("vgpu-2")));
        } finally {
            http.stop(0);
        }
    }

    @Test
    void cpuOnlyNodeAndAnUnreachableControllerAreNoError() {
        NodeMonitor m = new NodeMonitor("cpu-1", ControllerClient.of("127.0.0.1:1", Duration.ofMillis(500)));
        m.addBackend(backend(List.of(), null));
        Lines s = new Lines();
        m.collect(s);
        assertEquals("0.0", s.value("orion_node_gpus", "node=cpu-1"));
        assertEquals("0.0", s.value("orion_monitor_controller_up", "node=cpu-1"));
        assertFalse(s.has("orion_gpu_"));

        NodeMonitor gpuOnly = new NodeMonitor("cpu-1", null);
        Lines t = new Lines();
        gpuOnly.collect(t);
        assertTrue(t.has("orion_node_gpus"));
        assertFalse(t.has("orion_monitor_controller_up"), "no controller configured: no vGPU samples at all");
    }

    @Test
    void unreadableTelemetryIsLeftOut() {
        NodeMonitor m = new NodeMonitor("gpu-1", null);
        m.addBackend(backend(List.of(new GpuDevice(0, "GPU-a", "X", 1, 1, 9, 0, "", Map.of())),
                new GpuTelemetry(-1, -1, -1, 50, -1, List.of(), Instant.now())));
        Lines s = new Lines();
        m.collect(s);
        assertFalse(s.has("orion_gpu_utilization_percent"));
        assertFalse(s.has("orion_gpu_power_watts"));
        assertEquals("50.0", s.value("orion_gpu_temperature_celsius", "uuid=GPU-a"));
    }
}
