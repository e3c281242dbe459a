package io.orion.policy.spread.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;

import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;
import io.orion.policy.testkit.GpuModels;
import io.orion.policy.testkit.PolicyContract;
import io.orion.policy.testkit.PolicyHarness;
import io.orion.policy.testkit.PoolBuilder;
import io.orion.policy.testkit.RealisticPools;

import org.junit.jupiter.api.Test;

class SpreadPolicyTest {

    private final SpreadPolicy spread = new SpreadPolicy();

    @Test
    void keepsTheContract() {
        PolicyContract.verify(spread);
    }

    @Test
    void picksTheEmptiestGpu() {
        PolicyHarness h = new PolicyHarness(spread, new PoolBuilder()
                .node("a", 2, GpuModels::h200).used(0, 40_000, 30, 1).used(1, 10_000, 10, 1)
                .node("b", 1, GpuModels::h200).used(0, 20_000, 20, 1).build());
        assertEquals(new Slot("a", "GPU-a-1"), h.place(VgpuRequest.of(1, 1000, 10)).granted().slots().get(0));
    }

    @Test
    void givesEachTenantItsOwnGpuWhileThereAreFreeOnes() {
        PolicyHarness h = new PolicyHarness(spread, RealisticPools.dgxCluster(2));
        Set<String> gpus = new java.util.HashSet<>();
        for (int i = 0; i < 16; i++) gpus.add(h.place(VgpuRequest.of(1, 1000, 10)).granted().slots().get(0).gpuUuid());
        assertEquals(16, gpus.size(), "16 vGPUs on 16 GPUs");
        String seventeenth = h.place(VgpuRequest.of(1, 1000, 10)).granted().slots().get(0).gpuUuid();
        assertTrue(gpus.contains(seventeenth));
    }

    @Test
    void choosesTheLeastLoadedNodeForMultiGpuRequests() {
        PolicyHarness h = new PolicyHarness(spread, new PoolBuilder()
                .node("busy", 4, GpuModels::a100_40g).used(0, 30_000, 80, 3).used(1, 30_000, 80, 3)
                .node("idle", 4, GpuModels::a100_40g).build());
        Set<String> nodes = h.place(VgpuRequest.of(4, 4096, 20)).granted().slots().stream().map(Slot::node).collect(Collectors.toSet());
        assertEquals(Set.of("idle"), nodes);
    }
}
