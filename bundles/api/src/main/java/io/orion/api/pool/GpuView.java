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
 */
public record GpuView(GpuSpec spec, String node, int index, long usedMemoryMiB, int usedRatio, int vgpuCount) {

    public String uuid() { return spec.uuid(); }

    public long freeMemoryMiB() { return spec.memoryMiB() - usedMemoryMiB; }

    public int freeRatio() { return 100 - usedRatio; }

    public int freeSlots() { return spec.vgpuSlots() - vgpuCount; }

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
