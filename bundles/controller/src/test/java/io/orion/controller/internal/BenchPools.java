package io.orion.controller.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.PoolService;
import io.orion.policy.testkit.GpuModels;

/** Builds big pools on the real controller for the benchmark (which lives in another package). */
public final class BenchPools {
    private BenchPools() {}

    public static PoolService create(SchedulingPolicy policy, int nodes, int gpusPerNode) {
        ControllerPool pool = new ControllerPool(new ControllerPoolTest.FixedPlatform(policy), new MemoryStore(),
                ControllerPoolTest.config(3600, 3600, 3), java.time.Clock.systemUTC(), false);
        for (int n = 0; n < nodes; n++) {
            String name = String.format("node-%04d", n);
            List<GpuSpec> gpus = new ArrayList<>();
            for (int g = 0; g < gpusPerNode; g++) gpus.add(GpuModels.h200("GPU-" + name + "-" + g));
            pool.registerNode(name, "10.1." + (n / 250) + "." + (n % 250), Map.of("tcp", "tcp://" + name + ":9960"), gpus);
        }
        return pool;
    }
}
