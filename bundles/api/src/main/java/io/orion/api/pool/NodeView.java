package io.orion.api.pool;

import java.util.List;
import java.util.Map;

/**
 * One node in a {@link PoolView}.
 *
 * @param name        unique node name
 * @param address     address clients reach the node's server at
 * @param transports  transports the server offers, by name ({@code tcp}, {@code shm}, {@code rdma}), with their endpoints
 * @param state       whether it takes new vGPUs
 * @param gpus        its GPUs, in index order
 */
public record NodeView(String name, String address, Map<String, String> transports, NodeState state, List<GpuView> gpus) {
    public NodeView {
        transports = Map.copyOf(transports);
        gpus = List.copyOf(gpus);
    }

    /** True when the node is up and not draining. */
    public boolean schedulable() { return state == NodeState.UP; }
}
