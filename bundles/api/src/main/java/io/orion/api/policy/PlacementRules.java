package io.orion.api.policy;

import java.util.HashSet;
import java.util.Set;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

/**
 * The rules every placement must keep (see {@link SchedulingPolicy}). The controller checks each
 * policy answer with them before it commits anything; a policy is a plugin, and a wrong answer
 * from it must never reach the pool. Policy tests use the same check.
 */
public final class PlacementRules {
    private PlacementRules() {}

    /** Empty when the placement keeps the rules for this request in this pool, else the rule it breaks. */
    public static String violation(VgpuRequest request, Placement.Placed placed, PoolView pool) {
        if (placed.slots().size() != request.count())
            return "asked " + request.count() + " vGPUs, the policy placed " + placed.slots().size();
        Set<String> nodes = new HashSet<>();
        for (Slot s : placed.slots()) {
            NodeView node = pool.node(s.node()).orElse(null);
            if (node == null) return "unknown node " + s.node();
            if (!node.schedulable()) return "node " + s.node() + " is " + node.state();
            if (!request.node().isEmpty() && !request.node().equals(s.node()))
                return "request is pinned to node " + request.node() + " but the policy chose " + s.node();
            GpuView gpu = node.gpus().stream().filter(g -> g.uuid().equals(s.gpuUuid())).findFirst().orElse(null);
            if (gpu == null) return "GPU " + s.gpuUuid() + " is not on node " + s.node();
            if (!gpu.fits(request.memoryMiB(), request.ratio()))
                return "GPU " + s.gpuUuid() + " has no room for " + request.memoryMiB() + " MiB / " + request.ratio() + "%";
            nodes.add(s.node());
        }
        if (!request.crossNode() && nodes.size() > 1)
            return "the request does not allow crossing nodes but the policy used " + nodes;
        return "";
    }
}
