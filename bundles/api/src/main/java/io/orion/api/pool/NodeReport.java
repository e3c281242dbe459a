package io.orion.api.pool;

import java.util.List;

/**
 * A server's heartbeat: how its GPUs and vGPUs are doing, and which allocations still have a
 * live client (their leases are renewed).
 *
 * @param gpus               usage of the node's GPUs
 * @param vgpus              usage of the vGPUs with sessions on the node
 * @param liveAllocations    ids of allocations whose client is connected
 */
public record NodeReport(List<GpuUsage> gpus, List<VgpuUsage> vgpus, List<String> liveAllocations) {
    public NodeReport {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
        vgpus = vgpus == null ? List.of() : List.copyOf(vgpus);
        liveAllocations = liveAllocations == null ? List.of() : List.copyOf(liveAllocations);
    }

    public static NodeReport empty() {
        return new NodeReport(List.of(), List.of(), List.of());
    }
}
