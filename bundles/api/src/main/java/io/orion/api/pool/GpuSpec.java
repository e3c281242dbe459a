package io.orion.api.pool;

import java.util.Objects;

/**
 * A physical GPU as a server registers it with the pool.
 *
 * @param uuid        the GPU's UUID ({@code GPU-…}), unique in the pool
 * @param model       the device name, e.g. {@code NVIDIA H200}
 * @param memoryMiB   memory the pool may hand out, in MiB
 * @param smCount     streaming multiprocessors
 * @param ccMajor     compute capability, major
 * @param ccMinor     compute capability, minor
 * @param vgpuSlots   how many vGPUs this GPU may carry at most (Orion's {@code vgpu_count})
 */
public record GpuSpec(String uuid, String model, long memoryMiB, int smCount, int ccMajor, int ccMinor, int vgpuSlots) {
    public GpuSpec {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(model, "model");
        if (uuid.isBlank()) throw new IllegalArgumentException("uuid must not be blank");
        if (memoryMiB <= 0) throw new IllegalArgumentException("memoryMiB must be > 0, was " + memoryMiB);
        if (smCount < 0) throw new IllegalArgumentException("smCount must be >= 0, was " + smCount);
        if (vgpuSlots < 1) throw new IllegalArgumentException("vgpuSlots must be >= 1, was " + vgpuSlots);
    }
}
