package io.orion.api.pool;

/** Whether a node takes new vGPUs. */
public enum NodeState {
    /** Heartbeating and schedulable. */
    UP,
    /** Heartbeating, keeps its vGPUs, takes no new ones (an operator drains it). */
    DRAINING,
    /** Silent for too long; its vGPUs were released. */
    DOWN
}
