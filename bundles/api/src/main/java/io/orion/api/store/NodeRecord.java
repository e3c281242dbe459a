package io.orion.api.store;

import java.util.List;
import java.util.Map;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.NodeState;

/** A node as stored: what its server registered, and whether it takes new vGPUs. */
public record NodeRecord(String name, String address, Map<String, String> transports, List<GpuSpec> gpus,
                         NodeState state) {
    public NodeRecord {
        transports = Map.copyOf(transports);
        gpus = List.copyOf(gpus);
    }
}
