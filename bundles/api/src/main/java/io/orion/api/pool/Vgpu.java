package io.orion.api.pool;

/**
 * One virtual GPU handed out by the pool: a slice of one physical GPU.
 *
 * @param id            unique id, e.g. {@code vgpu-7f3a…}
 * @param allocationId  the allocation it belongs to
 * @param index         its device number inside the program (0 for the first vGPU of a request)
 * @param node          node of its physical GPU
 * @param gpuUuid       its physical GPU
 * @param memoryMiB     memory quota in MiB (changeable while it runs)
 * @param ratio         compute share in percent (changeable while it runs)
 * @param groupId       accounting group; empty for none
 */
public record Vgpu(String id, String allocationId, int index, String node, String gpuUuid,
                   long memoryMiB, int ratio, String groupId) {

    /** The same vGPU with a new size. */
    public Vgpu resized(long newMemoryMiB, int newRatio) {
        return new Vgpu(id, allocationId, index, node, gpuUuid, newMemoryMiB, newRatio, groupId);
    }
}
