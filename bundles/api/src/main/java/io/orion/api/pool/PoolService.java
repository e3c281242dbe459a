package io.orion.api.pool;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The pool of nodes and GPUs, and the vGPUs handed out from it. Provided by the controller;
 * placements go through the active {@link io.orion.api.policy.SchedulingPolicy}.
 */
@ProviderType
public interface PoolService {

    /** A consistent snapshot of the pool now. */
    PoolView snapshot();

    /** Adds a node, or replaces its description (address, transports, GPUs) if it is known. */
    void registerNode(String name, String address, java.util.Map<String, String> transports, List<GpuSpec> gpus);

    /** Removes a node; its vGPUs are released and reported as lost. */
    void removeNode(String name);

    /** Marks a node as draining (no new vGPUs) or brings it back. */
    void setDraining(String name, boolean draining);

    /** Places the request with the active policy and, when it fits, records the allocation. */
    AllocationResult allocate(VgpuRequest request, String owner);

    /** Where a request would go (beside its group's vGPUs, else where the active policy says), without taking anything. */
    Placement place(VgpuRequest request);

    /** Releases an allocation; false if it was not known. */
    boolean release(String allocationId);

    /** Releases an allocation, saying why (shown in events and logs); false if it was not known. */
    boolean release(String allocationId, String why);

    /**
     * Changes a vGPU's memory and ratio. Fails with {@link IllegalArgumentException} naming the
     * value when the GPU cannot carry the new size; nothing is changed then.
     */
    Vgpu resize(String vgpuId, long memoryMiB, int ratio);

    List<Allocation> allocations();

    Optional<Allocation> allocation(String allocationId);

    /** Every vGPU of every allocation. */
    default List<Vgpu> vgpus() {
        return allocations().stream().flatMap(a -> a.vgpus().stream()).toList();
    }

    /**
     * A server's heartbeat: the node is alive, this is its usage, and these allocations still
     * have a client (their leases are renewed). Answers the vGPUs the controller holds on this
     * node, at their current size, so the server can reconcile what it missed.
     *
     * @throws IllegalArgumentException for a node that is not registered (register it first)
     */
    List<Vgpu> heartbeat(String node, NodeReport report);

    /** Renews an allocation's lease by hand (a client may do this); false if it is not known. */
    boolean renew(String allocationId);

    /** When an allocation's lease runs out unless renewed; empty if it is not known. */
    Optional<java.time.Instant> leaseUntil(String allocationId);

    /** How often servers are expected to heartbeat; a server silent for a few intervals is marked down. */
    java.time.Duration heartbeatInterval();

    /** Liveness and last report of a node. */
    Optional<NodeStatus> nodeStatus(String node);

    /** The most recent events, oldest first, at most {@code max}. */
    List<PoolEvent> events(int max);
}
