package io.orion.rest.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.VgpuUsage;

/** The JSON shapes of the pool API (docs/openapi.yaml describes each). */
final class PoolDtos {
    private PoolDtos() {}

    /** Body of POST /api/v1/allocations; boxed so that a missing field is told apart from zero. */
    record AllocationRequest(Integer count, Long memoryMiB, Integer ratio, String groupId, Boolean crossNode,
                             String node, String owner) {}

    record ServerDto(String node, String address, Map<String, String> transports) {}

    record VgpuDto(String id, String allocationId, int index, String node, String gpu, String model, long memoryMiB,
                   int ratio, String groupId, ServerDto server, VgpuUsage usage) {}

    record AllocationDto(String id, String owner, Instant created, Instant leaseUntil, RequestDto request, List<VgpuDto> vgpus) {}

    record RequestDto(int count, long memoryMiB, int ratio, String groupId, boolean crossNode, String node) {}

    record Refusal(int status, String error, String reason, String detail) {}

    /** Body of PUT /api/v1/vgpus/{id}: either field may be left out to keep it. */
    record Resize(Long memoryMiB, Integer ratio) {}

    /** Body of POST /api/v1/nodes. */
    record NodeRegistration(String name, String address, Map<String, String> transports, List<GpuSpec> gpus) {}

    record NodeDto(String name, String address, String state, Map<String, String> transports, List<String> gpus,
                   Instant lastHeartbeat) {}

    record GpuDto(String uuid, String node, int index, String model, long memoryMiB, long allocatedMemoryMiB,
                  int allocatedRatio, int vgpus, int vgpuSlots, int smCount, String computeCapability, GpuUsage usage) {}

    /** Body of PUT /api/v1/nodes/{name}/drain. */
    record Drain(Boolean draining) {}

    /** Answer to a heartbeat: the vGPUs the controller holds on the node, and the interval it expects. */
    record HeartbeatAnswer(List<VgpuDto> vgpus, int heartbeatSeconds) {}

    record PoolSummary(int nodes, int nodesUp, int gpus, long memoryMiB, long allocatedMemoryMiB, int vgpus,
                       int allocations, String policy) {}
}
