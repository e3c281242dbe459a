package io.orion.api.policy;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.VgpuRequest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How much a policy likes putting one vGPU of a request on a GPU; higher is better. Only called
 * for GPUs the vGPU fits on. See {@link ScoredPlacement}.
 */
@ConsumerType
@FunctionalInterface
public interface GpuScorer {
    double score(GpuView gpu, VgpuRequest request);

    /**
     * A score no GPU of this node can beat for this request, from the node's summary alone
     * ({@link NodeView#maxFreeMemoryShare()}, {@link NodeView#maxFreeRatio()}…). When it is no
     * better than what was found already, {@link ScoredPlacement} skips the node without looking
     * at its GPUs. Must never be lower than a real score; the default disables skipping.
     */
    default double upperBound(NodeView node, VgpuRequest request) {
        return Double.POSITIVE_INFINITY;
    }
}
