package io.orion.agent.internal;

import java.util.HashMap;
import java.util.Map;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.platform.Platform;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;
import io.orion.metrics.MetricsCollector;
import io.orion.metrics.Samples;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The server's own metrics, per GPU of its backend and per vGPU it holds, read at every scrape
 * from the server and the backend: what this node measures now, whether or not a controller
 * scrapes it. Named {@code orion_server_*} so that a runtime that also holds the pool
 * (standalone), whose controller re-exports the same figures from heartbeats for every node, has
 * no family twice. Names and labels: docs/metrics.md.
 */
@Component(service = MetricsCollector.class)
public final class ServerMetrics implements MetricsCollector {

    private static final double MIB = 1024.0 * 1024.0;

    private final NodeAgent agent;
    private final Platform platform;
    private final VgpuServer server;

    @Activate
    public ServerMetrics(@Reference NodeAgent agent, @Reference Platform platform, @Reference VgpuServer server) {
        this.agent = agent;
        this.platform = platform;
        this.server = server;
    }

    @Override
    public void collect(Samples s) {
        collect(s, agent.nodeName(), platform.activeBackend().orElse(null), server, agent.grants().allocationOf());
    }

    /** Pure over its inputs, so tests give it a server and a backend of their own. */
    static void collect(Samples s, String node, GpuBackend backend, VgpuServer server, Map<String, String> allocationOf) {
        Map<String, Integer> vgpusOn = new HashMap<>();
        for (VgpuStatus v : server.vgpus()) vgpusOn.merge(v.grant().gpuUuid(), 1, Integer::sum);
        if (backend != null) {
            for (GpuDevice d : backend.devices()) {
                Map<String, String> gpu = Map.of("node", node, "gpu", d.uuid(), "model", d.name());
                s.gauge("orion_server_gpu_memory_total_mib", "Device memory of a GPU of this server", gpu, d.totalMemoryBytes() / MIB);
                s.gauge("orion_server_gpu_vgpus", "vGPUs this server holds on a GPU", gpu, vgpusOn.getOrDefault(d.uuid(), 0));
                backend.telemetry(d.uuid()).ifPresent(t -> {
                    // a figure the backend cannot read is -1: left out, not exported as a value
                    if (t.gpuUtilPercent() >= 0)
                        s.gauge("orion_server_gpu_utilization_percent", "Share of time a kernel ran on the GPU", gpu, t.gpuUtilPercent());
                    if (t.memoryUsedBytes() >= 0)
                        s.gauge("orion_server_gpu_memory_used_mib", "Device memory in use on the GPU, all processes", gpu, t.memoryUsedBytes() / MIB);
                    if (t.temperatureC() >= 0) s.gauge("orion_server_gpu_temperature_celsius", "GPU core temperature", gpu, t.temperatureC());
                    if (t.powerWatts() >= 0) s.gauge("orion_server_gpu_power_watts", "GPU board power draw", gpu, t.powerWatts());
                });
            }
        }
        for (VgpuStatus v : server.vgpus()) {
            var g = v.grant();
            Map<String, String> l = Map.of("node", node, "vgpu", g.id(), "allocation", allocationOf.getOrDefault(g.id(), ""),
                    "gpu", g.gpuUuid(), "group", g.groupId());
            s.gauge("orion_server_vgpu_memory_quota_mib", "A vGPU's memory quota on this server", l, g.memoryMiB());
            s.gauge("orion_server_vgpu_ratio_percent", "A vGPU's compute share on this server", l, g.ratio());
            s.gauge("orion_server_vgpu_memory_used_mib", "Device memory a vGPU's sessions have allocated", l, v.memoryUsedBytes() / MIB);
            s.gauge("orion_server_vgpu_sessions", "Sessions attached to a vGPU", l, v.sessions());
            s.counter("orion_server_vgpu_launches_total", "Kernel launches on a vGPU since it was granted", l, v.launches());
            s.counter("orion_server_vgpu_bytes_moved_total", "Bytes a vGPU copied since it was granted, by direction",
                    with(l, "direction", "to_device"), v.bytesToDevice());
            s.counter("orion_server_vgpu_bytes_moved_total", "", with(l, "direction", "from_device"), v.bytesFromDevice());
            s.counter("orion_server_vgpu_bytes_moved_total", "", with(l, "direction", "on_device"), v.bytesOnDevice());
            // -1: the server's compute gate is off, nothing was measured
            if (v.sharePercent() >= 0)
                s.gauge("orion_server_vgpu_compute_share_percent", "Share of its GPU's time a vGPU consumed lately", l, v.sharePercent());
            s.counter("orion_server_vgpu_held_back_seconds_total", "Time a vGPU's launches were held back by the compute gate", l,
                    v.heldBackMillis() / 1000.0);
            s.counter("orion_server_vgpu_gpu_seconds_total", "GPU time a vGPU's kernels consumed, as the compute gate measured it", l,
                    v.gpuMillis() / 1000.0);
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> m = new java.util.LinkedHashMap<>(labels);
        m.put(key, value);
        return m;
    }
}
