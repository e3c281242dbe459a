package io.orion.policy.binpack.internal;

import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.policy.ScoredPlacement;
import io.orion.api.pool.GpuView;
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
 * Binpack: fill GPUs that are already in use before opening fresh ones (best fit), so that whole
 * GPUs stay free for large requests. Score: the smaller the capacity left on the GPU after this
 * vGPU, the better.
 */
@Component(configurationPid = "io.orion.policy.binpack", property = SchedulingPolicy.NAME_PROPERTY + "=binpack")
@Designate(ocd = BinpackPolicy.Config.class)
public final class BinpackPolicy implements SchedulingPolicy {

    @ObjectClassDefinition(name = "Orion binpack policy", description = "Best-fit placement of vGPUs.")
    @interface Config {
        @AttributeDefinition(name = "Memory weight", min = "0", max = "1",
                description = "How much leftover memory counts against leftover compute ratio (0..1).")
        double memoryWeight() default 0.5;
    }

    private volatile double memoryWeight;

    @Activate
    public BinpackPolicy(Config config) {
        modified(config);
    }

    /** Used by tests and by code that runs the policy outside a framework. */
    public BinpackPolicy() {
        this.memoryWeight = 0.5;
    }

    @Modified
    void modified(Config config) {
        double w = config.memoryWeight();
        if (!(w >= 0 && w <= 1)) throw new IllegalArgumentException("memoryWeight must be 0..1, was " + w);
        memoryWeight = w;
    }

    @Override
    public String name() { return "binpack"; }

    @Override
    public String description() { return "fill used GPUs first (best fit), keep whole GPUs free"; }

    @Override
    public Placement place(VgpuRequest request, PoolView pool) {
        double w = memoryWeight;
        return ScoredPlacement.place(request, pool, (gpu, req) -> -leftover(gpu, req, w));
    }

    /** Capacity left on the GPU after the vGPU, 0 (full) … 1 (empty). */
    static double leftover(GpuView gpu, VgpuRequest req, double memoryWeight) {
        double mem = (double) (gpu.freeMemoryMiB() - req.memoryMiB()) / gpu.spec().memoryMiB();
        double ratio = (gpu.freeRatio() - req.ratio()) / 100.0;
        return memoryWeight * mem + (1 - memoryWeight) * ratio;
    }
}
