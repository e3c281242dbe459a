package io.orion.policy.binpack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;
import io.orion.policy.spread.internal.SpreadPolicy;
import io.orion.policy.testkit.GpuModels;
import io.orion.policy.testkit.PolicyContract;
import io.orion.policy.testkit.PolicyHarness;
import io.orion.policy.testkit.PoolBuilder;
import io.orion.policy.testkit.RealisticPools;

import org.junit.jupiter.api.Test;

class BinpackPolicyTest {

    private final BinpackPolicy binpack = new BinpackPolicy();

    @Test
    void keepsTheContract() {
        PolicyContract.verify(binpack);
    }

    @Test
    void fillsAUsedGpuBeforeOpeningAnEmptyOne() {
        PolicyHarness h = new PolicyHarness(binpack, new PoolBuilder()
                .node("a", 2, GpuModels::h200).used(1, 40_000, 30, 1)
                .node("b", 2, GpuModels::h200).build());
        assertEquals(new Slot("a", "GPU-a-1"), h.place(VgpuRequest.of(1, 10_000, 10)).granted().slots().get(0));
    }

    @Test
    void picksTheTightestFit() {
        // GPU 0 has 20 GiB free, GPU 1 has 11 GiB free: a 10 GiB vGPU goes to GPU 1, leaving 20 GiB whole.
        PolicyHarness h = new PolicyHarness(binpack, new PoolBuilder().node("a", 2, GpuModels::a100_40g)
                .used(0, 40960 - 20480, 50, 1).used(1, 40960 - 11264, 50, 1).build());
        assertEquals("GPU-a-1", h.place(VgpuRequest.of(1, 10240, 10)).granted().slots().get(0).gpuUuid());
    }

    @Test
    void keepsWholeGpusFreeForLargeRequests() {
        // A stream of small requests, then one that needs a whole H100: binpack must still have one.
        PolicyHarness h = new PolicyHarness(binpack, RealisticPools.mixedDataCentre());
        for (int i = 0; i < 40; i++) h.place(VgpuRequest.of(1, 4096, 10)).granted();
        h.place(VgpuRequest.of(8, 81_000, 100)).granted();
    }

    @Test
    void fragmentsLessThanSpreadUnderChurn() {
        double binpackFragmentation = churn(binpack);
        double spreadFragmentation = churn(new SpreadPolicy());
        assertTrue(binpackFragmentation < spreadFragmentation,
                "binpack " + binpackFragmentation + " vs spread " + spreadFragmentation);
    }

    /**
     * Keeps about 400 random vGPUs alive on 128 H200s (roughly half the compute), placing and
     * releasing for a while; then: how scattered is the free capacity for a 40 GiB / 50 % vGPU.
     */
    static double churn(io.orion.api.policy.SchedulingPolicy policy) {
        PolicyHarness h = new PolicyHarness(policy, RealisticPools.dgxCluster(16));
        Random r = new Random(11);
        List<PolicyHarness.Granted> live = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            if (live.size() > 400) h.release(live.remove(r.nextInt(live.size())));
            var o = h.place(VgpuRequest.of(1, 1024L * (1 + r.nextInt(24)), 5 * (1 + r.nextInt(6))));
            live.add(o.granted());
        }
        return h.fragmentation(40 * 1024, 50);
    }
}
