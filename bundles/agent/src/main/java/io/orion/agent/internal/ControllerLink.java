package io.orion.agent.internal;

import java.time.Duration;
import java.util.List;

import io.orion.api.pool.NodeReport;
import io.orion.api.pool.Vgpu;

/** How the agent talks to its controller: in this runtime, or over REST. */
interface ControllerLink {

    /** Registers or re-describes the node. */
    void register(NodeIdentity node) throws Exception;

    /** Sends a heartbeat; answers the vGPUs the controller holds on the node. */
    List<Vgpu> heartbeat(String node, NodeReport report) throws Exception;

    /** How often to heartbeat. */
    Duration interval();

    /** For logs: where the controller is. */
    String describe();

    /** Thrown by {@link #heartbeat} when the controller does not know the node (any more): register again. */
    final class UnknownNode extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownNode(String message) {
            super(message);
        }
    }
}
