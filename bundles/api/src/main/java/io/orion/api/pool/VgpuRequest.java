package io.orion.api.pool;

import java.util.Objects;

/**
 * What a program asks for: {@code count} vGPUs of {@code memoryMiB} and {@code ratio}% each, as
 * Orion's {@code ORION_VGPU}, {@code ORION_GMEM}, {@code ORION_RATIO}, {@code ORION_GROUP_ID} and
 * {@code ORION_CROSS_NODE}.
 *
 * <p>The vGPUs of one request always land on distinct physical GPUs: a program that asks for
 * two devices wants two GPUs' worth of parallelism, not one GPU twice.
 *
 * @param count      number of vGPUs, 1–64
 * @param memoryMiB  memory per vGPU in MiB, &gt; 0
 * @param ratio      compute share per vGPU in percent, 1–100
 * @param groupId    accounting group (a pod's UID); processes of one group share quotas; empty for none
 * @param crossNode  whether the vGPUs may be spread over several nodes
 * @param node       place only on this node; empty for any
 */
public record VgpuRequest(int count, long memoryMiB, int ratio, String groupId, boolean crossNode, String node) {

    public static final int MAX_COUNT = 64;

    public VgpuRequest {
        if (count < 1 || count > MAX_COUNT)
            throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ", was " + count);
        if (memoryMiB <= 0) throw new IllegalArgumentException("memoryMiB must be > 0, was " + memoryMiB);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("ratio must be 1..100, was " + ratio);
        groupId = Objects.requireNonNullElse(groupId, "");
        node = Objects.requireNonNullElse(node, "");
    }

    /** A request for {@code count} vGPUs on one node, no group. */
    public static VgpuRequest of(int count, long memoryMiB, int ratio) {
        return new VgpuRequest(count, memoryMiB, ratio, "", false, "");
    }

    public VgpuRequest withCrossNode(boolean allowed) {
        return new VgpuRequest(count, memoryMiB, ratio, groupId, allowed, node);
    }

    public VgpuRequest withGroup(String group) {
        return new VgpuRequest(count, memoryMiB, ratio, group, crossNode, node);
    }

    public VgpuRequest onNode(String nodeName) {
        return new VgpuRequest(count, memoryMiB, ratio, groupId, crossNode, nodeName);
    }

    /** Total memory the request needs, in MiB. */
    public long totalMemoryMiB() { return memoryMiB * count; }
}
