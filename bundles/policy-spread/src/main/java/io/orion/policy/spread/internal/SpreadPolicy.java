package io.orion.policy.spread.internal;

import io.orion.api.policy.GpuScorer;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.policy.ScoredPlacement;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.VgpuRequest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Spread: put each vGPU on the least loaded GPU (worst fit), so that tenants share a GPU as
 * little as possible and each gets the most headroom. Score: the more capacity left on the GPU
 * after this vGPU, the better; each vGPU already there costs a little more.
 */
@Component(configurationPid = "io.orion.policy.spread", property = SchedulingPolicy.NAME_PROPERTY + "=spread")
@Designate(ocd = SpreadPolicy.Config.class)
public final class SpreadPolicy implements SchedulingPolicy {

    @ObjectClassDefinition(name = "Orion spread policy", description = "Least-loaded placement of vGPUs.")
    @interface Config {
        @AttributeDefinition(name = "Tenant penalty", min = "0", max = "1",
                description = "Score taken off per vGPU already on a GPU, so that fewer tenants share one.")
        double tenantPenalty() default 0.05;
    }

    private volatile double tenantPenalty;

    @Activate
    public SpreadPolicy(Config config) {
        modified(config);
    }

    /** Used by tests and by code that runs the policy outside a framework. */
    public SpreadPolicy() {
        this.tenantPenalty = 0.05;
    }

    @Modified
    void modified(Config config) {
        double p = config.tenantPenalty();
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("tenantPenalty must be 0..1, was " + p);
        tenantPenalty = p;
    }

    @Override
    public String name() { return "spread"; }

    @Override
    public String description() { return "least loaded GPU first (worst fit), fewest tenants per GPU"; }

    @Override
    public Placement place(VgpuRequest request, PoolView pool) {
        return ScoredPlacement.place(request, pool, new Scorer(tenantPenalty));
    }

    /** Headroom after the vGPU, less a penalty per tenant; bounded per node from its summary. */
    private record Scorer(double penalty) implements GpuScorer {
        @Override
        public double score(GpuView gpu, VgpuRequest req) {
            return headroom(gpu, req) - penalty * gpu.vgpuCount();
        }

        @Override
        public double upperBound(NodeView node, VgpuRequest req) {
            // memory share free (the vGPU's own share left out: the bound may only be too high) and ratio free
            return (node.maxFreeMemoryShare() + (node.maxFreeRatio() - req.ratio()) / 100.0) / 2;
        }
    }

    /** Capacity left on the GPU after the vGPU, 0 (full) … 1 (empty). */
    static double headroom(GpuView gpu, VgpuRequest req) {
        double mem = (double) (gpu.freeMemoryMiB() - req.memoryMiB()) / gpu.spec().memoryMiB();
        double ratio = (gpu.freeRatio() - req.ratio()) / 100.0;
        return (mem + ratio) / 2;
    }
}
