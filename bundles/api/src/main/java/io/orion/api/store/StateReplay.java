package io.orion.api.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies changes to a state, as every store does on load: later changes win, removals remove.
 * Stores share it so that replay means the same everywhere.
 */
public final class StateReplay {
    private final Map<String, NodeRecord> nodes = new LinkedHashMap<>();
    private final Map<String, AllocationRecord> allocations = new LinkedHashMap<>();

    public StateReplay(StoredState start) {
        start.nodes().forEach(n -> nodes.put(n.name(), n));
        start.allocations().forEach(a -> allocations.put(a.allocation().id(), a));
    }

    public StateReplay apply(StateChange change) {
        switch (change) {
            case StateChange.NodePut p -> nodes.put(p.node().name(), p.node());
            case StateChange.NodeRemoved r -> nodes.remove(r.name());
            case StateChange.NodeStateChanged s -> nodes.computeIfPresent(s.name(),
                    (k, n) -> new NodeRecord(n.name(), n.address(), n.transports(), n.gpus(), s.state()));
            case StateChange.AllocationPut a -> allocations.put(a.allocation().allocation().id(), a.allocation());
            case StateChange.AllocationRemoved r -> allocations.remove(r.id());
        }
        return this;
    }

    public StateReplay applyAll(List<StateChange> changes) {
        changes.forEach(this::apply);
        return this;
    }

    public StoredState state() {
        return new StoredState(List.copyOf(nodes.values()), List.copyOf(allocations.values()));
    }
}
