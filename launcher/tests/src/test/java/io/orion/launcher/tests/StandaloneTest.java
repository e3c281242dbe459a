package io.orion.launcher.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a process: the standalone role comes up healthy on the host
 * backend (no GPU here, and its start line says why cuda has no devices), its node joins its own
 * pool with the backend's device, an allocation made over REST is granted to its server, resized
 * there and released there, its console and portal answer, and a real /metrics scrape parses
 * with the documented families. Nothing in its log is a warning.
 */
class StandaloneTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void standaloneServesThePoolAndTheConsole(@TempDir Path home) throws Exception {
        try (RoleProcess standalone = new RoleProcess("standalone", home)) {
            standalone.start(Duration.ofSeconds(60));
            String health = standalone.get("health").body();
            assertTrue(health.contains("\"status\" : \"UP\"") && health.contains("\"backend\" : \"host\""), health);

            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String gpus = "";
            while (System.nanoTime() < end && !(gpus = standalone.get("api/v1/gpus").body()).contains("Orion Host Device")) Thread.sleep(100);
            assertTrue(gpus.contains("Orion Host Device"), "the node's host device in the pool: " + gpus + "\n" + standalone.log());

            // allocate → resize → release over REST; the standalone's own server follows each step
            var granted = standalone.send("POST", "api/v1/allocations", "{\"count\":1,\"memoryMiB\":512,\"ratio\":25,\"owner\":\"smoke\"}");
            assertEquals(201, granted.statusCode(), granted.body());
            JsonNode allocation = JSON.readTree(granted.body());
            String allocationId = allocation.path("id").asText();
            String vgpuId = allocation.path("vgpus").get(0).path("id").asText();
            JsonNode onServer = serverVgpu(standalone, vgpuId);
            assertTrue(onServer != null && onServer.path("grant").path("memoryMiB").asLong() == 512, "granted to the server at once: " + onServer);

            var resized = standalone.send("PUT", "api/v1/vgpus/" + vgpuId, "{\"memoryMiB\":768,\"ratio\":40}");
            assertEquals(200, resized.statusCode(), resized.body());
            onServer = serverVgpu(standalone, vgpuId);
            assertEquals(768, onServer.path("grant").path("memoryMiB").asLong(), "the resize reached the server: " + onServer);
            assertEquals(40, onServer.path("grant").path("ratio").asInt(), "the resize reached the server: " + onServer);

            try (Socket console = new Socket("127.0.0.1", standalone.consolePort)) {
                OutputStream out = console.getOutputStream();
                out.write("orion:status\nexit\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answer = new String(console.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.contains("role        standalone") && answer.contains("1 vGPU(s)"), answer);
            }
            var portal = standalone.get("portal/");
            assertEquals(200, portal.statusCode(), "the portal is served");
            assertTrue(portal.body().contains("<html"), portal.body());

            checkMetrics(standalone, allocationId, vgpuId);

            assertEquals(204, standalone.send("DELETE", "api/v1/allocations/" + allocationId, null).statusCode());
            assertEquals(404, standalone.get("api/v1/allocations/" + allocationId).statusCode());
            assertEquals(null, serverVgpu(standalone, vgpuId), "the release reached the server: " + standalone.get("api/v1/server/vgpus").body());
            Scrape after = Scrape.parse(standalone.get("metrics").body());
            assertEquals(0, after.gauge("orion_gpu_vgpus", Map.of()), "no vGPU left after the release");
            assertTrue(!after.text.contains(vgpuId), "the released vGPU is gone from the metrics, the server's too:\n" + after.text);

            // A first start on a machine without a GPU, RDMA or UCX is nothing to warn about: the
            // log says once what the platform settled on, and why the GPU backend was passed over.
            String log = standalone.log();
            assertEquals(List.of(), log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList(), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("PlatformCore - started: policy ") && l.contains("GPU backend host from")),
                    "one line with the settled selection: " + log);
            // no NVIDIA driver here: the same line says why the preferred cuda backend was passed over
            assertTrue(log.lines().anyMatch(l -> l.contains("PlatformCore - started: policy ") && l.contains("(auto; cuda: no devices: ")),
                    "the start line gives the cuda backend's reason: " + log);
        }
    }

    /** The vGPU as the server's control API reports it; null when it is not granted there. */
    private static JsonNode serverVgpu(RoleProcess standalone, String vgpuId) throws Exception {
        var answer = standalone.get("api/v1/server/vgpus");
        assertEquals(200, answer.statusCode(), answer.body());
        for (JsonNode v : JSON.readTree(answer.body())) if (v.path("grant").path("id").asText().equals(vgpuId)) return v;
        return null;
    }

    /**
     * A real scrape, parsed as Prometheus would: the documented families (docs/metrics.md) are
     * there with their types and values that agree with what the test did. The vGPU's usage
     * arrives with the server's next heartbeat, so that part is waited for.
     */
    private static void checkMetrics(RoleProcess standalone, String allocationId, String vgpuId) throws Exception {
        Map<String, String> vgpu = Map.of("vgpu", vgpuId, "allocation", allocationId);
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Scrape m = Scrape.parse(standalone.get("metrics").body());
        while (System.nanoTime() < end && !m.has("orion_vgpu_launches_total")) {
            Thread.sleep(200);
            m = Scrape.parse(standalone.get("metrics").body());
        }
        // placement
        assertTrue(m.counter("orion_placements_total", Map.of()) >= 1, m.text);
        var latency = m.histogram("orion_placement_latency_seconds");
        assertTrue(latency.getSampleCount() >= 1 && latency.getSampleSum() > 0 && latency.getSampleSum() < 10, m.text);
        assertEquals(latency.getSampleCount(), latency.getBuckets().get(latency.getBuckets().size() - 1).getCumulativeCount(),
                "the +Inf bucket holds every placement");
        assertEquals(0, m.counter("orion_placement_refusals_total", Map.of("reason", "pool_exhausted")));
        assertEquals(0, m.counter("orion_vgpus_lost_total", Map.of()));
        // capacity and allocation: the one node and its host device
        var gpus = m.family("orion_gpu_memory_total_mib", "GAUGE").getMetrics();
        assertEquals(1, gpus.size(), m.text);
        String node = gpus.get(0).getLabels().get("node");
        String gpu = gpus.get(0).getLabels().get("gpu");
        assertEquals(1, m.gauge("orion_node_up", Map.of("node", node)));
        double age = m.gauge("orion_node_heartbeat_age_seconds", Map.of("node", node));
        assertTrue(age >= 0 && age < 15, "heartbeat age " + age);
        assertTrue(m.gauge("orion_gpu_memory_total_mib", Map.of("gpu", gpu)) >= 768, m.text);
        assertEquals(768, m.gauge("orion_gpu_memory_allocated_mib", Map.of("gpu", gpu)));
        assertEquals(40, m.gauge("orion_gpu_ratio_allocated_percent", Map.of("gpu", gpu)));
        assertEquals(1, m.gauge("orion_gpu_vgpus", Map.of("gpu", gpu)));
        assertTrue(m.gauge("orion_gpu_vgpu_slots", Map.of("gpu", gpu)) >= 1);
        assertEquals(768, m.gauge("orion_vgpu_memory_quota_mib", vgpu));
        assertEquals(40, m.gauge("orion_vgpu_ratio_percent", vgpu));
        // usage from the server's heartbeat: granted, never used by a program
        assertEquals(0, m.gauge("orion_vgpu_memory_used_mib", vgpu));
        assertEquals(0, m.counter("orion_vgpu_launches_total", vgpu));
        assertEquals(0, m.counter("orion_vgpu_bytes_moved_total", vgpu));
        double util = m.gauge("orion_gpu_utilization_percent", Map.of("node", node, "gpu", gpu));
        assertTrue(util >= 0 && util <= 100, "utilization " + util);
        // the server's own figures (ServerMetrics), at once and without a heartbeat
        Map<String, String> onServer = Map.of("node", node, "vgpu", vgpuId, "allocation", allocationId, "gpu", gpu);
        assertEquals(768, m.gauge("orion_server_vgpu_memory_quota_mib", onServer));
        assertEquals(40, m.gauge("orion_server_vgpu_ratio_percent", onServer));
        assertEquals(0, m.gauge("orion_server_vgpu_sessions", onServer));
        assertEquals(0, m.counter("orion_server_vgpu_launches_total", onServer));
        for (String direction : new String[] {"to_device", "from_device", "on_device"})
            assertEquals(0, m.counter("orion_server_vgpu_bytes_moved_total", Map.of("vgpu", vgpuId, "direction", direction)));
        assertEquals(1, m.gauge("orion_server_gpu_vgpus", Map.of("node", node, "gpu", gpu)));
        assertTrue(m.gauge("orion_server_gpu_memory_total_mib", Map.of("gpu", gpu)) >= 768);
        double serverUtil = m.gauge("orion_server_gpu_utilization_percent", Map.of("gpu", gpu));
        assertTrue(serverUtil >= 0 && serverUtil <= 100, "utilization " + serverUtil);
    }
}
