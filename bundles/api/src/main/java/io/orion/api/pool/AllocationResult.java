package io.orion.api.pool;

/** The outcome of asking the pool for vGPUs: the allocation, or why there is none. */
public sealed interface AllocationResult {
    record Granted(Allocation allocation) implements AllocationResult {}

    record Refused(Placement.NoFit noFit) implements AllocationResult {}
}
