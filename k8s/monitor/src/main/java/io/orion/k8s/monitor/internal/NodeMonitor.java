package io.orion.k8s.monitor.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;
import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.ControllerException;
import io.orion.metrics.MetricsCollector;
import io.orion.metrics.Samples;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples for this node at every scrape of /metrics: each GPU a backend sees (NVML telemetry
 * where the backend has it; a value the backend cannot read is left out, not reported as -1),
 * and each vGPU the pool placed on this node with its client's usage as its server last
 * reported it. A node without GPUs has no GPU samples and no error; an unreachable controller
 * shows as {@code orion_monitor_controller_up 0}.
 */
@Component(service = MetricsCollector.class, configurationPid = NodeMonitor.PID)
@Designate(ocd = MonitorConfig.class)
public final class NodeMonitor implements MetricsCollector {
    static final String PID = "io.orion.k8s.monitor";
    private static final Logger LOG = LoggerFactory.getLogger(NodeMonitor.class);
    private static final double MIB = 1024.0 * 1024.0;

    private final String node;
    private final ControllerClient controller;
    private final List<GpuBackend> backends = new CopyOnWriteArrayList<>();
    private volatile boolean warned;

    @Activate
    public NodeMonitor(MonitorConfig config) {
        this(nodeName(config.nodeName()), controller(config));
    }

    NodeMonitor(String node, ControllerClient controller) {
        this.node = node;
        this.controller = controller;
    }

    private static ControllerClient controller(MonitorConfig config) {
        String a = config.controllerAddress().isBlank() ? System.getenv().getOrDefault("ORION_CONTROLLER", "") : config.controllerAddress().strip();
        return a.isBlank() || a.equals("none") ? null : ControllerClient.of(a, Duration.ofMillis(config.controllerTimeoutMillis()));
    }

    private static String nodeName(String configured) {
        if (!configured.isBlank()) return configured.strip();
        String env = System.getenv("NODE_NAME");
        if (env != null && !env.isBlank()) return env.strip();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(GpuBackend b) { backends.add(b); }

    void removeBackend(GpuBackend b) { backends.remove(b); }

    @Override
    public void collect(Samples s) {
        int gpus = 0;
        for (GpuBackend b : backends) {
            for (GpuDevice d : b.devices()) {
                gpus++;
                gpu(s, b, d);
            }
        }
        s.gauge("orion_node_gpus", "Physical GPUs the GPU backends see on this node.", Map.of("node", node), gpus);
        if (controller != null) vgpus(s);
    }

    private void gpu(Samples s, GpuBackend b, GpuDevice d) {
        Map<String, String> l = Map.of("node", node, "gpu", Integer.toString(d.ordinal()), "uuid", d.uuid(), "model", d.name(),
                "backend", b.name());
        s.gauge("orion_gpu_memory_total_bytes", "Device memory of the GPU.", l, d.totalMemoryBytes());
        GpuTelemetry t = b.telemetry(d.uuid()).orElse(null);
        if (t == null) return;
        if (t.gpuUtilPercent() >= 0) s.gauge("orion_gpu_utilization_percent", "Share of time a kernel ran (NVML).", l, t.gpuUtilPercent());
        if (t.memoryUtilPercent() >= 0)
            s.gauge("orion_gpu_memory_utilization_percent", "Share of time device memory was read or written (NVML).", l, t.memoryUtilPercent());
        if (t.memoryUsedBytes() >= 0) s.gauge("orion_gpu_memory_used_bytes", "Device memory in use by every process (NVML).", l, t.memoryUsedBytes());
        if (t.temperatureC() >= 0) s.gauge("orion_gpu_temperature_celsius", "Core temperature (NVML).", l, t.temperatureC());
        if (t.powerWatts() >= 0) s.gauge("orion_gpu_power_watts", "Board power draw (NVML).", l, t.powerWatts());
        s.gauge("orion_gpu_processes", "Processes holding device memory (NVML).", l, t.processes().size());
    }

    private void vgpus(Samples s) {
        JsonNode all;
        try {
            all = controller.get("/api/v1/vgpus");
            warned = false;
        } catch (ControllerException e) {
            if (!warned) LOG.warn("no vGPU samples: {}", e.getMessage());
            warned = true;
            s.gauge("orion_monitor_controller_up", "1 when the controller answered this scrape.", Map.of("node", node), 0);
            return;
        }
        s.gauge("orion_monitor_controller_up", "1 when the controller answered this scrape.", Map.of("node", node), 1);
        int count = 0;
        for (JsonNode v : all) {
            if (!node.equals(v.path("node").asText())) continue;
            count++;
            Map<String, String> l = Map.of("node", node, "vgpu", v.path("id").asText(), "allocation", v.path("allocationId").asText(),
                    "uuid", v.path("gpu").asText(), "group", v.path("groupId").asText(""));
            s.gauge("orion_vgpu_memory_quota_bytes", "Memory quota of the vGPU (ORION_GMEM).", l, v.path("memoryMiB").asLong() * MIB);
            s.gauge("orion_vgpu_ratio_percent", "Compute share of the vGPU (ORION_RATIO).", l, v.path("ratio").asInt());
            JsonNode u = v.path("usage");
            if (!u.isObject()) continue;
            s.gauge("orion_vgpu_memory_used_bytes", "Device memory its client allocated.", l, u.path("memoryUsedMiB").asLong() * MIB);
            double share = u.path("sharePercent").asDouble(-1);
            // negative: the server has no measurement yet
            if (share >= 0) s.gauge("orion_vgpu_compute_share_percent", "Share of its GPU's time a vGPU consumed lately", l, share);
            s.counter("orion_vgpu_launches_total", "Kernel launches of its client.", l, u.path("launches").asLong());
            s.counter("orion_vgpu_bytes_moved_total", "Bytes copied to and from the device by its client.", l, u.path("bytesMoved").asLong());
            s.counter("orion_vgpu_held_back_seconds_total", "Time the compute gate held its launches back.", l,
                    u.path("heldBackMillis").asLong() / 1000.0);
        }
        s.gauge("orion_node_vgpus", "vGPUs the pool placed on this node's GPUs.", Map.of("node", node), count);
    }
}
