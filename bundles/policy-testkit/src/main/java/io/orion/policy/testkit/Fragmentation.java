package io.orion.policy.testkit;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolView;

/**
 * How scattered a pool's free capacity is, for vGPUs of one size: 1 − (vGPUs of that size that
 * still fit) ÷ (vGPUs that would fit if each node's free memory and ratio were on one GPU).
 * 0 means no capacity is stranded; 1 means none of it is usable for that size.
 */
public final class Fragmentation {
    private Fragmentation() {}

    public static double of(PoolView pool, long probeMemoryMiB, int probeRatio) {
        long fit = 0, ideal = 0;
        for (NodeView n : pool.nodes()) {
            if (!n.schedulable()) continue;
            long freeMem = 0, freeRatio = 0;
            for (GpuView g : n.gpus()) {
                long byMem = g.freeMemoryMiB() / probeMemoryMiB, byRatio = g.freeRatio() / probeRatio;
                fit += Math.max(0, Math.min(g.freeSlots(), Math.min(byMem, byRatio)));
                freeMem += g.freeMemoryMiB();
                freeRatio += g.freeRatio();
            }
            ideal += Math.min(freeMem / probeMemoryMiB, freeRatio / probeRatio);
        }
        return ideal == 0 ? 0 : 1.0 - (double) fit / ideal;
    }
}
