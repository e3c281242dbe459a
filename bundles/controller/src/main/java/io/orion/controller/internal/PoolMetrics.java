package io.orion.controller.internal;

import java.util.Map;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeStatus;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuUsage;
import io.orion.metrics.MetricsCollector;
import io.orion.metrics.OrionMetrics;
import io.orion.metrics.Samples;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The controller's metrics: its placement counters in the registry, and at every scrape the
 * capacity and allocation per node and GPU plus the usage servers reported per GPU and vGPU.
 * Names and labels: docs/metrics.md.
 */
@Component(service = MetricsCollector.class)
public final class PoolMetrics implements MetricsCollector {

    private final ControllerPool pool;
    private final OrionMetrics metrics;

    @Activate
    public PoolMetrics(@Reference ControllerPool pool, @Reference OrionMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        pool.counters().named().forEach((name, m) -> metrics.register(name, help(name), m));
    }

    @Deactivate
    void deactivate() {
        pool.counters().named().keySet().forEach(metrics::remove);
    }

    private static String help(String name) {
        if (name.startsWith("orion_placements")) return "Placements the controller was asked for (allocations and dry runs)";
        if (name.startsWith("orion_placement_latency")) return "Time to place a request: policy, check and commit";
        if (name.startsWith("orion_placement_refusals")) return "Requests that did not fit, by reason";
        return "vGPUs released because their node went silent or left";
    }

    @Override
    public void collect(Samples s) {
        PoolView view = pool.snapshot();
        for (NodeView n : view.nodes()) {
            Map<String, String> node = Map.of("node", n.name());
            s.gauge("orion_node_up", "1 when the node's server heartbeats and it takes vGPUs, 0 when down or draining",
                    node, n.state() == NodeState.UP ? 1 : 0);
            for (GpuView g : n.gpus()) {
                Map<String, String> gpu = Map.of("node", n.name(), "gpu", g.uuid(), "model", g.spec().model());
                s.gauge("orion_gpu_memory_total_mib", "Memory a GPU offers to vGPUs", gpu, g.spec().memoryMiB());
                s.gauge("orion_gpu_memory_allocated_mib", "Memory booked on a GPU (a group once, at its largest vGPU there)", gpu, g.usedMemoryMiB());
                s.gauge("orion_gpu_ratio_allocated_percent", "Compute share booked on a GPU (a group once, at its largest vGPU there)", gpu, g.usedRatio());
                s.gauge("orion_gpu_vgpus", "vGPUs on a GPU", gpu, g.vgpuCount());
                s.gauge("orion_gpu_vgpu_slots", "vGPUs a GPU may carry", gpu, g.spec().vgpuSlots());
            }
            NodeStatus status = pool.nodeStatus(n.name()).orElse(null);
            if (status == null) continue;
            s.gauge("orion_node_heartbeat_age_seconds", "Seconds since the node's server last reported", node,
                    Math.max(0, (System.currentTimeMillis() - status.lastHeartbeat().toEpochMilli()) / 1000.0));
            for (GpuUsage u : status.report().gpus()) {
                Map<String, String> gpu = Map.of("node", n.name(), "gpu", u.gpuUuid());
                if (u.utilPercent() >= 0) s.gauge("orion_gpu_utilization_percent", "Share of time a kernel ran on the GPU", gpu, u.utilPercent());
                if (u.memoryUsedMiB() >= 0) s.gauge("orion_gpu_memory_used_mib", "Device memory in use on the GPU, all processes", gpu, u.memoryUsedMiB());
                if (u.temperatureC() >= 0) s.gauge("orion_gpu_temperature_celsius", "GPU core temperature", gpu, u.temperatureC());
                if (u.powerWatts() >= 0) s.gauge("orion_gpu_power_watts", "GPU board power draw", gpu, u.powerWatts());
            }
        }
        Map<String, VgpuUsage> usage = new java.util.HashMap<>();
        view.nodes().forEach(n -> pool.nodeStatus(n.name()).ifPresent(st -> st.report().vgpus().forEach(v -> usage.put(v.vgpuId(), v))));
        for (Allocation a : pool.allocations()) {
            for (Vgpu v : a.vgpus()) {
                Map<String, String> l = Map.of("vgpu", v.id(), "allocation", a.id(), "node", v.node(), "gpu", v.gpuUuid(), "group", v.groupId());
                s.gauge("orion_vgpu_memory_quota_mib", "A vGPU's memory quota", l, v.memoryMiB());
                s.gauge("orion_vgpu_ratio_percent", "A vGPU's compute share", l, v.ratio());
                VgpuUsage u = usage.get(v.id());
                if (u == null) continue;
                s.gauge("orion_vgpu_memory_used_mib", "Memory a vGPU's process has allocated", l, u.memoryUsedMiB());
                s.counter("orion_vgpu_launches_total", "Kernel launches of a vGPU", l, u.launches());
                s.counter("orion_vgpu_bytes_moved_total", "Bytes copied to and from a vGPU's device memory", l, u.bytesMoved());
                // -1 means the server's compute gate is off: nothing was measured, so no sample
                if (u.sharePercent() >= 0)
                    s.gauge("orion_vgpu_compute_share_percent", "Share of its GPU's time a vGPU consumed lately", l, u.sharePercent());
                s.counter("orion_vgpu_held_back_seconds_total", "Time a vGPU's launches were held back by the compute gate", l, u.heldBackMillis() / 1000.0);
            }
        }
    }
}
