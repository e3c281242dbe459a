package io.orion.api.store;

import java.util.List;

/**
 * What a store holds.
 *
 * @param nodes        every registered node
 * @param allocations  every live allocation, with its lease
 */
public record StoredState(List<NodeRecord> nodes, List<AllocationRecord> allocations) {
    public StoredState {
        nodes = List.copyOf(nodes);
        allocations = List.copyOf(allocations);
    }

    public static StoredState empty() {
        return new StoredState(List.of(), List.of());
    }
}
