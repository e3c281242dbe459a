package io.orion.policy.testkit;

import java.util.Random;

import io.orion.api.pool.PoolView;

/** Pools shaped like real clusters. */
public final class RealisticPools {
    private RealisticPools() {}

    /** {@code nodes} identical 8-GPU H200 servers. */
    public static PoolView dgxCluster(int nodes) {
        PoolBuilder b = new PoolBuilder();
        for (int i = 0; i < nodes; i++) b.node(String.format("dgx-%04d", i), 8, GpuModels::h200);
        return b.build();
    }

    /**
     * A mixed data centre: 8-GPU H100 servers, 4-GPU A100-40G servers, single-L4 and single-T4
     * inference boxes, and one CPU-only node (which offers no GPU).
     */
    public static PoolView mixedDataCentre() {
        PoolBuilder b = new PoolBuilder();
        for (int i = 0; i < 4; i++) b.node("h100-" + i, 8, GpuModels::h100);
        for (int i = 0; i < 6; i++) b.node("a100-" + i, 4, GpuModels::a100_40g);
        for (int i = 0; i < 8; i++) b.node("l4-" + i, 1, GpuModels::l4);
        for (int i = 0; i < 8; i++) b.node("t4-" + i, 1, GpuModels::t4);
        b.node("cpu-only", 0, GpuModels::t4);
        return b.build();
    }

    /**
     * The mixed data centre after a day of churn: about two GPUs in three carry random vGPUs, so
     * free capacity is scattered in uneven pieces. Same seed, same pool.
     */
    public static PoolView fragmented(long seed) {
        Random r = new Random(seed);
        PoolBuilder b = new PoolBuilder();
        String[] models = {"h100", "a100", "l4", "t4"};
        int[] gpusPerNode = {8, 4, 1, 1};
        for (int m = 0; m < models.length; m++) {
            for (int n = 0; n < 6; n++) {
                String model = models[m];
                b.node(model + "-" + n, gpusPerNode[m], (node, i) -> GpuModels.byName(model, "GPU-" + node + "-" + i));
                for (int g = 0; g < gpusPerNode[m]; g++) {
                    if (r.nextInt(3) == 0) continue;
                    long total = GpuModels.byName(model, "x").memoryMiB();
                    int vgpus = 1 + r.nextInt(3);
                    long mem = Math.min(total, (long) (total * (0.1 + 0.8 * r.nextDouble())));
                    int ratio = Math.min(100, vgpus * (10 + r.nextInt(30)));
                    b.used(g, mem, ratio, vgpus);
                }
            }
        }
        return b.build();
    }
}
