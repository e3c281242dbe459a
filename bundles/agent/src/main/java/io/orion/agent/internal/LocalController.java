package io.orion.agent.internal;

import java.time.Duration;
import java.util.List;

import io.orion.api.pool.NodeReport;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;

/** The controller in this runtime (standalone): calls go straight to the pool. */
record LocalController(PoolService pool) implements ControllerLink {

    @Override
    public void register(NodeIdentity node) {
        pool.registerNode(node.name(), node.address(), node.transports(), node.gpus());
    }

    @Override
    public List<Vgpu> heartbeat(String node, NodeReport report) throws UnknownNode {
        try {
            return pool.heartbeat(node, report);
        } catch (IllegalArgumentException e) {
            throw new UnknownNode(e.getMessage());
        }
    }

    @Override
    public Duration interval() { return pool.heartbeatInterval(); }

    @Override
    public String describe() { return "this runtime"; }
}
