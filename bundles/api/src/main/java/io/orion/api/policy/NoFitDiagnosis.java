package io.orion.api.policy;

import java.util.List;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.VgpuRequest;

/**
 * Finds why a request does not fit a pool, so that every policy reports the same reason for the
 * same situation. Policies call it once they found no placement.
 */
public final class NoFitDiagnosis {

    private NoFitDiagnosis() {}

    /** The reason the request cannot be placed in the pool as it is now. */
    public static Placement.NoFit explain(VgpuRequest request, PoolView pool) {
        List<NodeView> nodes = pool.nodes().stream().filter(NodeView::schedulable)
                .filter(n -> request.node().isEmpty() || n.name().equals(request.node())).toList();
        if (!request.node().isEmpty() && nodes.isEmpty())
            return Placement.noFit(NoFitReason.NODE_UNAVAILABLE, "node '" + request.node() + "'");
        if (nodes.isEmpty()) return Placement.noFit(NoFitReason.NO_NODES, "");

        long largest = nodes.stream().flatMap(n -> n.gpus().stream())
                .mapToLong(g -> g.spec().memoryMiB()).max().orElse(0);
        if (request.memoryMiB() > largest)
            return Placement.noFit(NoFitReason.MEMORY_LARGER_THAN_ANY_GPU,
                    "asked " + request.memoryMiB() + " MiB per vGPU, largest GPU has " + largest + " MiB");

        long gpus = nodes.stream().mapToLong(n -> n.gpus().size()).sum();
        if (request.count() > gpus)
            return Placement.noFit(NoFitReason.NOT_ENOUGH_GPUS,
                    "asked " + request.count() + " vGPUs, the pool has " + gpus + " GPUs");
        int mostOnOneNode = nodes.stream().mapToInt(n -> n.gpus().size()).max().orElse(0);
        if (!request.crossNode() && request.count() > mostOnOneNode)
            return Placement.noFit(NoFitReason.NOT_ENOUGH_GPUS_ON_ONE_NODE,
                    "asked " + request.count() + " vGPUs, largest node has " + mostOnOneNode + " GPUs; set ORION_CROSS_NODE=1 to allow spreading");

        // Capacity exists in principle; is it the ratio or everything that is taken?
        int fitting = bestCount(nodes, request, g -> g.fits(request.memoryMiB(), request.ratio()));
        if (fitting >= request.count())
            return Placement.noFit(NoFitReason.POOL_EXHAUSTED, "free GPUs exist but the policy found no placement");
        int memoryAndSlots = bestCount(nodes, request,
                g -> g.freeSlots() > 0 && g.freeMemoryMiB() >= request.memoryMiB());
        if (memoryAndSlots >= request.count())
            return Placement.noFit(NoFitReason.RATIO_UNAVAILABLE,
                    "GPUs with " + request.memoryMiB() + " MiB free have less than " + request.ratio() + "% compute left");
        return Placement.noFit(NoFitReason.POOL_EXHAUSTED,
                "only " + fitting + " of " + request.count() + " vGPUs of " + request.memoryMiB()
                        + " MiB / " + request.ratio() + "% would fit now");
    }

    /** How many GPUs pass the test: on the best node, or pool-wide when the request may cross nodes. */
    private static int bestCount(List<NodeView> nodes, VgpuRequest request, java.util.function.Predicate<GpuView> test) {
        if (request.crossNode())
            return (int) nodes.stream().flatMap(n -> n.gpus().stream()).filter(test).count();
        return nodes.stream().mapToInt(n -> (int) n.gpus().stream().filter(test).count()).max().orElse(0);
    }
}
