package io.orion.controller.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

/**
 * Places a request of a group that already holds vGPUs beside them: one new vGPU on each of the
 * group's GPUs, in the group's order (see {@link TenantBookings#gpusOf}), as many as the request
 * asks. The processes of a pod then share one ratio and one memory quota on each GPU, in the
 * server's gate and in the pool's books, instead of competing as strangers on other GPUs.
 *
 * <p>When the group's GPUs cannot take the request (it asks more vGPUs than the group has GPUs,
 * a GPU is gone or its node is down or draining, the request is pinned to another node or may
 * not cross nodes, or a GPU has no room for what the group's booking would grow by), the request
 * <em>falls back</em> to the policy's normal placement; the pool logs and records why.
 * The policy is not asked about the group's GPUs at all: its check would charge the whole
 * request, where the group needs only its growth. Runs under the pool's lock.
 */
final class GroupPlacement {
    private GroupPlacement() {}

    /** What to do with a request. */
    sealed interface Outcome {}

    /** Not a group request, or its group holds no vGPUs: the policy places it. */
    record Normal() implements Outcome {}

    /** Beside the group's vGPUs. */
    record Beside(Placement.Placed placed) implements Outcome {}

    /** The group holds vGPUs, but the request cannot join them; the policy places it. */
    record Fallback(List<String> groupGpus, String why) implements Outcome {}

    private static final Normal NORMAL = new Normal();

    static Outcome decide(VgpuRequest request, PoolState state) {
        if (request.groupId().isEmpty()) return NORMAL;
        List<String> gpus = state.gpusOfGroup(request.groupId());
        if (gpus.isEmpty()) return NORMAL;
        if (request.count() > gpus.size())
            return new Fallback(gpus, "it asks " + request.count() + " vGPUs and the group holds vGPUs on only "
                    + gpus.size() + " GPU(s)");
        List<Slot> slots = new ArrayList<>(request.count());
        Set<String> nodes = new LinkedHashSet<>();
        for (String uuid : gpus.subList(0, request.count())) {
            GpuView g = state.gpu(uuid);
            if (g == null) return new Fallback(gpus, "the group's GPU " + uuid + " is no longer in the pool");
            NodeView n = state.node(g.node());
            if (!n.schedulable())
                return new Fallback(gpus, "the group's GPU " + uuid + " is on node " + n.name() + ", which is "
                        + n.state().name().toLowerCase());
            if (!request.node().isEmpty() && !request.node().equals(n.name()))
                return new Fallback(gpus, "it is pinned to node " + request.node() + " and the group's GPU " + uuid
                        + " is on node " + n.name());
            Booking growth = state.growthIfJoined(request.groupId(), uuid, request.memoryMiB(), request.ratio());
            if (!growth.fitsOn(g, true))
                return new Fallback(gpus, "the group's GPU " + uuid + " has no room for " + growth + " more"
                        + (g.freeSlots() > 0 ? "" : " (no vGPU slot left)") + "; it has " + g.freeMemoryMiB() + " MiB / "
                        + g.freeRatio() + "% free");
            slots.add(new Slot(n.name(), uuid));
            nodes.add(n.name());
        }
        if (!request.crossNode() && nodes.size() > 1)
            return new Fallback(gpus, "the group's GPUs are on nodes " + nodes + " and the request may not cross nodes");
        return new Beside(Placement.placed(slots));
    }
}
