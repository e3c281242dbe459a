package io.orion.api.pool;

/**
 * Where one vGPU of a placement goes.
 *
 * @param node     node name
 * @param gpuUuid  UUID of the physical GPU on that node
 */
public record Slot(String node, String gpuUuid) {}
