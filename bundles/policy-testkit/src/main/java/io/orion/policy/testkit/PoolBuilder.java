package io.orion.policy.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolView;

/**
 * Builds a pool snapshot node by node:
 * <pre>{@code
 * PoolView pool = new PoolBuilder()
 *     .node("dgx-1", 8, GpuModels::h200)
 *     .node("t4-box", 1, GpuModels::t4).used(0, 8192, 50, 2)   // GPU 0: 8 GiB, 50 %, 2 vGPUs in use
 *     .drain("t4-box")
 *     .build();
 * }</pre>
 * GPU UUIDs are {@code GPU-<node>-<index>}.
 */
public final class PoolBuilder {

    private final Map<String, NodeView> nodes = new LinkedHashMap<>();
    private String last;

    /** Adds a node with {@code gpus} GPUs of one model. */
    public PoolBuilder node(String name, int gpus, java.util.function.Function<String, GpuSpec> model) {
        return node(name, gpus, (n, i) -> model.apply("GPU-" + n + "-" + i));
    }

    /** Adds a node whose GPUs are made by {@code gpu(nodeName, index)}. */
    public PoolBuilder node(String name, int gpus, BiFunction<String, Integer, GpuSpec> gpu) {
        if (nodes.containsKey(name)) throw new IllegalArgumentException("node '" + name + "' added twice");
        List<GpuView> views = new ArrayList<>();
        for (int i = 0; i < gpus; i++) views.add(new GpuView(gpu.apply(name, i), name, i, 0, 0, 0));
        nodes.put(name, new NodeView(name, "10.0." + (nodes.size() / 250) + "." + (nodes.size() % 250 + 1),
                Map.of("tcp", "tcp://" + name + ":9960"), NodeState.UP, views));
        last = name;
        return this;
    }

    /** Marks capacity as used on GPU {@code index} of the last node added. */
    public PoolBuilder used(int index, long memoryMiB, int ratio, int vgpus) {
        NodeView n = nodes.get(last);
        List<GpuView> gpus = new ArrayList<>(n.gpus());
        GpuView g = gpus.get(index);
        gpus.set(index, new GpuView(g.spec(), g.node(), g.index(), g.usedMemoryMiB() + memoryMiB,
                g.usedRatio() + ratio, g.vgpuCount() + vgpus));
        nodes.put(last, new NodeView(n.name(), n.address(), n.transports(), n.state(), gpus));
        return this;
    }

    public PoolBuilder drain(String name) { return state(name, NodeState.DRAINING); }

    public PoolBuilder down(String name) { return state(name, NodeState.DOWN); }

    private PoolBuilder state(String name, NodeState state) {
        NodeView n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("no node '" + name + "'");
        nodes.put(name, new NodeView(n.name(), n.address(), n.transports(), state, n.gpus()));
        return this;
    }

    /** The snapshot, nodes sorted by name as the controller sorts them. */
    public PoolView build() {
        List<NodeView> sorted = new ArrayList<>(nodes.values());
        sorted.sort(java.util.Comparator.comparing(NodeView::name));
        return PoolView.of(1, sorted);
    }
}
