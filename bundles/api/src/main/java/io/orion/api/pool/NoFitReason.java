package io.orion.api.pool;

/** Why a request could not be placed. Each reason says what the user can change. */
public enum NoFitReason {
    /** The pool has no schedulable node at all. */
    NO_NODES("no schedulable node in the pool"),
    /** The memory asked per vGPU is larger than any schedulable GPU has. */
    MEMORY_LARGER_THAN_ANY_GPU("the memory asked per vGPU is larger than any GPU in the pool"),
    /** More vGPUs were asked than there are GPUs (each vGPU of a request needs its own GPU). */
    NOT_ENOUGH_GPUS("more vGPUs asked than GPUs available"),
    /** Not enough GPUs on any one node and the request does not allow crossing nodes. */
    NOT_ENOUGH_GPUS_ON_ONE_NODE("not enough GPUs on any single node and cross-node placement is not allowed"),
    /** GPUs with enough memory exist but none has the compute share left. */
    RATIO_UNAVAILABLE("no GPU has the asked compute ratio left"),
    /** The GPUs are there but taken: memory, ratio or slots are used up. */
    POOL_EXHAUSTED("the pool has no free capacity of this size right now"),
    /** The request names a node that is not in the pool or not schedulable. */
    NODE_UNAVAILABLE("the requested node is not in the pool or takes no new vGPUs");

    private final String text;

    NoFitReason(String text) { this.text = text; }

    /** A sentence for humans. */
    public String text() { return text; }
}
