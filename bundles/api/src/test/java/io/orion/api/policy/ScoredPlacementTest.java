package io.orion.api.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

import org.junit.jupiter.api.Test;

class ScoredPlacementTest {

    private static NodeView node(String name, int gpus, long memory, NodeState state) {
        List<GpuView> list = new ArrayList<>();
        for (int i = 0; i < gpus; i++) list.add(new GpuView(new GpuSpec("GPU-" + name + "-" + i, "X", memory, 10, 9, 0, 4), name, i, 0, 0, 0));
        return new NodeView(name, "addr", Map.of(), state, list);
    }

    private static final GpuScorer BY_INDEX = (g, r) -> g.index(); // prefers higher indexes

    @Test
    void takesTheBestGpusOfTheBestNode() {
        PoolView pool = PoolView.of(1, List.of(node("a", 2, 1000, NodeState.UP), node("b", 4, 1000, NodeState.UP)));
        Placement p = ScoredPlacement.place(VgpuRequest.of(2, 100, 10), pool, BY_INDEX);
        assertEquals(List.of(new Slot("b", "GPU-b-3"), new Slot("b", "GPU-b-2")), ((Placement.Placed) p).slots());
    }

    @Test
    void tiesGoToTheFirstNodeAndGpu() {
        PoolView pool = PoolView.of(1, List.of(node("a", 2, 1000, NodeState.UP), node("b", 2, 1000, NodeState.UP)));
        Placement p = ScoredPlacement.place(VgpuRequest.of(1, 100, 10), pool, (g, r) -> 0);
        assertEquals(List.of(new Slot("a", "GPU-a-0")), ((Placement.Placed) p).slots());
    }

    @Test
    void crossesNodesOnlyWhenNoSingleNodeFits() {
        PoolView pool = PoolView.of(1, List.of(node("a", 2, 1000, NodeState.UP), node("b", 2, 1000, NodeState.UP)));
        Placement p = ScoredPlacement.place(VgpuRequest.of(3, 100, 10).withCrossNode(true), pool, BY_INDEX);
        assertEquals(3, ((Placement.Placed) p).slots().size());
        Placement single = ScoredPlacement.place(VgpuRequest.of(2, 100, 10).withCrossNode(true), pool, BY_INDEX);
        assertEquals(1, ((Placement.Placed) single).slots().stream().map(Slot::node).distinct().count(), "stays on one node when it can");
    }

    @Test
    void skipsNodesThatAreNotUp() {
        PoolView pool = PoolView.of(1, List.of(node("a", 2, 1000, NodeState.DRAINING), node("b", 1, 1000, NodeState.DOWN)));
        Placement p = ScoredPlacement.place(VgpuRequest.of(1, 100, 10), pool, BY_INDEX);
        assertEquals(NoFitReason.NO_NODES, assertInstanceOf(Placement.NoFit.class, p).reason());
    }
}
