package io.orion.api.policy;

import io.orion.api.pool.GpuView;
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
}
