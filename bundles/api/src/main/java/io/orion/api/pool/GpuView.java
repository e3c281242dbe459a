package io.orion.api.pool;

/**
 * One physical GPU in a {@link PoolView}: its capacity and what is already placed on it.
 *
 * @param spec           the GPU as registered
 * @param node           name of the node that holds it
 * @param index          position of the GPU on its node (0-based)
 * @param usedMemoryMiB  memory held by vGPUs on this GPU
 * @param usedRatio      compute share held by vGPUs on this GPU, in percent (0–100)
 * @param vgpuCount      number of vGPUs on this GPU
 * @param freeMemoryMiB  memory left (derived)
 * @param freeRatio      compute ratio left, percent (derived)
 * @param freeSlots      vGPU slots left (derived)
 */
public record GpuView(GpuSpec spec, String node, int index, long usedMemoryMiB, int usedRatio, int vgpuCount,
                      long freeMemoryMiB, int freeRatio, int freeSlots) {
    public GpuView {
        // Derived, never taken from the caller; kept in the record so that a policy scanning
        // thousands of GPUs reads them without following the spec.
        freeMemoryMiB = spec.memoryMiB() - usedMemoryMiB;
        freeRatio = 100 - usedRatio;
        freeSlots = spec.vgpuSlots() - vgpuCount;
    }

    public GpuView(GpuSpec spec, String node, int index, long usedMemoryMiB, int usedRatio, int vgpuCount) {
        this(spec, node, index, usedMemoryMiB, usedRatio, vgpuCount, 0, 0, 0);
    }

    public String uuid() { return spec.uuid(); }

    /** True when one more vGPU of this memory and ratio fits here. */
    public boolean fits(long memoryMiB, int ratio) {
        return freeSlots() > 0 && freeMemoryMiB() >= memoryMiB && freeRatio() >= ratio;
    }

    /** This GPU after one more vGPU of the given size was placed on it. */
    public GpuView plus(long memoryMiB, int ratio) {
        return new GpuView(spec, node, index, usedMemoryMiB + memoryMiB, usedRatio + ratio, vgpuCount + 1);
    }

    /** This GPU after a vGPU of the given size left it. */
    public GpuView minus(long memoryMiB, int ratio) {
        return new GpuView(spec, node, index, Math.max(0, usedMemoryMiB - memoryMiB),
                Math.max(0, usedRatio - ratio), Math.max(0, vgpuCount - 1));
    }
}
