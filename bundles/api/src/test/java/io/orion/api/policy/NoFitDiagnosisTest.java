package io.orion.api.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.VgpuRequest;

import org.junit.jupiter.api.Test;

class NoFitDiagnosisTest {

    private static GpuView gpu(String node, int i, long mem, long usedMem, int usedRatio, int vgpus) {
        return new GpuView(new GpuSpec("GPU-" + node + i, "X", mem, 10, 9, 0, 4), node, i, usedMem, usedRatio, vgpus);
    }

    private static PoolView pool(NodeView... nodes) { return PoolView.of(1, List.of(nodes)); }

    private static NodeView node(String name, GpuView... gpus) {
        return new NodeView(name, "", Map.of(), NodeState.UP, List.of(gpus));
    }

    private static NoFitReason why(VgpuRequest r, PoolView p) { return NoFitDiagnosis.explain(r, p).reason(); }

    @Test
    void eachSituationHasItsReason() {
        PoolView two = pool(node("a", gpu("a", 0, 1000, 0, 0, 0), gpu("a", 1, 1000, 0, 0, 0)), node("b", gpu("b", 0, 1000, 0, 0, 0)));
        assertEquals(NoFitReason.NO_NODES, why(VgpuRequest.of(1, 1, 1), pool()));
        assertEquals(NoFitReason.NODE_UNAVAILABLE, why(VgpuRequest.of(1, 1, 1).onNode("zz"), two));
        assertEquals(NoFitReason.MEMORY_LARGER_THAN_ANY_GPU, why(VgpuRequest.of(1, 1001, 1), two));
        assertEquals(NoFitReason.NOT_ENOUGH_GPUS, why(VgpuRequest.of(4, 10, 1).withCrossNode(true), two));
        assertEquals(NoFitReason.NOT_ENOUGH_GPUS_ON_ONE_NODE, why(VgpuRequest.of(3, 10, 1), two));

        PoolView ratioTaken = pool(node("a", gpu("a", 0, 1000, 100, 100, 1)));
        Placement.NoFit ratio = NoFitDiagnosis.explain(VgpuRequest.of(1, 100, 10), ratioTaken);
        assertEquals(NoFitReason.RATIO_UNAVAILABLE, ratio.reason());
        assertTrue(ratio.message().contains("10%"), ratio.message());

        PoolView full = pool(node("a", gpu("a", 0, 1000, 950, 10, 1)));
        Placement.NoFit exhausted = NoFitDiagnosis.explain(VgpuRequest.of(1, 100, 10), full);
        assertEquals(NoFitReason.POOL_EXHAUSTED, exhausted.reason());
        assertTrue(exhausted.message().contains("0 of 1"), exhausted.message());
    }

    @Test
    void aDrainingNodeCountsAsAbsent() {
        NodeView draining = new NodeView("d", "", Map.of(), NodeState.DRAINING, List.of(gpu("d", 0, 1000, 0, 0, 0)));
        assertEquals(NoFitReason.NO_NODES, why(VgpuRequest.of(1, 10, 1), pool(draining)));
    }
}
