package io.orion.api.store;

import java.time.Instant;

import io.orion.api.pool.NodeState;

/** One change to the stored state. Applying the changes in order to a store's state is replay. */
public sealed interface StateChange {

    /** A node was registered, or its description replaced. */
    record NodePut(NodeRecord node) implements StateChange {}

    /** A node left the pool. */
    record NodeRemoved(String name) implements StateChange {}

    /** A node was drained, brought back, or marked down. */
    record NodeStateChanged(String name, NodeState state) implements StateChange {}

    /** An allocation was made, resized or its lease renewed: the record replaces any earlier one. */
    record AllocationPut(AllocationRecord allocation) implements StateChange {}

    /** An allocation was released (by its owner, a lapsed lease, or its node leaving). */
    record AllocationRemoved(String id, Instant at, String why) implements StateChange {}
}
