package io.orion.api.server;

import java.util.Objects;

/**
 * A vGPU a server is allowed to serve: a memory quota and a compute share of one physical GPU.
 *
 * @param id         the vGPU's id, as the pool handed it out (clients name it when they connect)
 * @param gpuUuid    the physical GPU it lives on
 * @param memoryMiB  memory quota in MiB; a hard limit for the sum of all allocations made on it
 * @param ratio      compute share in percent, 1–100
 * @param groupId    accounting group ({@code ORION_GROUP_ID}); every process of the group shares the
 *                   quota; empty means one process at a time
 */
public record VgpuGrant(String id, String gpuUuid, long memoryMiB, int ratio, String groupId) {
    /** 1 EiB: far beyond any GPU, and small enough that the quota in bytes never overflows. */
    public static final long MAX_MEMORY_MIB = 1L << 40;

    public VgpuGrant {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("vGPU id must not be empty");
        if (id.length() > 128) throw new IllegalArgumentException("vGPU id longer than 128 characters: " + id);
        Objects.requireNonNull(gpuUuid, "gpuUuid");
        if (memoryMiB < 0 || memoryMiB > MAX_MEMORY_MIB)
            throw new IllegalArgumentException("memoryMiB must be 0.." + MAX_MEMORY_MIB + ", was " + memoryMiB);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("ratio must be 1..100, was " + ratio);
        groupId = Objects.requireNonNullElse(groupId, "");
    }

    /** The quota in bytes. */
    public long memoryBytes() { return memoryMiB << 20; }

    public VgpuGrant resized(long newMemoryMiB, int newRatio) {
        return new VgpuGrant(id, gpuUuid, newMemoryMiB, newRatio, groupId);
    }
}
