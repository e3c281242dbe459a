package io.orion.api.pool;

import java.util.List;
import java.util.Map;

/**
 * One node in a {@link PoolView}.
 *
 * @param name              unique node name
 * @param address           address clients reach the node's server at
 * @param transports        transports the server offers, by name ({@code tcp}, {@code shm}, {@code rdma}), with their endpoints
 * @param state             whether it takes new vGPUs
 * @param gpus              its GPUs, in index order
 * @param maxFreeMemoryMiB  the most free memory on any one of its GPUs (derived from {@code gpus})
 * @param maxFreeRatio      the most free compute ratio on any one of its GPUs (derived)
 * @param freeSlots         free vGPU slots over all its GPUs (derived)
 * @param maxFreeMemoryShare the largest share of its own memory any one GPU has free, 0–1 (derived)
 */
public record NodeView(String name, String address, Map<String, String> transports, NodeState state, List<GpuView> gpus,
                       long maxFreeMemoryMiB, int maxFreeRatio, int freeSlots, double maxFreeMemoryShare) {
    public NodeView {
        transports = Map.copyOf(transports);
        gpus = List.copyOf(gpus);
        // The summary is always derived, never trusted from the caller: policies use it to skip
        // whole nodes without looking at their GPUs.
        long mem = 0;
        int ratio = 0, slots = 0;
        double share = 0;
        for (GpuView g : gpus) {
            if (g.freeSlots() <= 0) continue;
            mem = Math.max(mem, g.freeMemoryMiB());
            ratio = Math.max(ratio, g.freeRatio());
            share = Math.max(share, (double) g.freeMemoryMiB() / g.spec().memoryMiB());
            slots += g.freeSlots();
        }
        maxFreeMemoryMiB = mem;
        maxFreeRatio = ratio;
        freeSlots = slots;
        maxFreeMemoryShare = share;
    }

    public NodeView(String name, String address, Map<String, String> transports, NodeState state, List<GpuView> gpus) {
        this(name, address, transports, state, gpus, 0, 0, 0, 0);
    }

    /** True when the node is up and not draining. */
    public boolean schedulable() { return state == NodeState.UP; }

    /** False when no GPU of this node can take even one vGPU of this size (a cheap test before looking at GPUs). */
    public boolean mayFit(long memoryMiB, int ratio) {
        return freeSlots > 0 && maxFreeMemoryMiB >= memoryMiB && maxFreeRatio >= ratio;
    }
}
