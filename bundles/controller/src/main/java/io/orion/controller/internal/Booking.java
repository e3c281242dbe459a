package io.orion.controller.internal;

import io.orion.api.pool.GpuView;

/**
 * Memory and compute share booked on one GPU, by one tenant or as a change of a booking.
 *
 * @param memoryMiB memory in MiB
 * @param ratio     compute share in percent
 */
record Booking(long memoryMiB, int ratio) {

    static final Booking NONE = new Booking(0, 0);

    /** The larger of each part: what a tenant of both sizes needs. */
    Booking max(long otherMemoryMiB, int otherRatio) {
        return new Booking(Math.max(memoryMiB, otherMemoryMiB), Math.max(ratio, otherRatio));
    }

    Booking minus(Booking other) {
        return new Booking(memoryMiB - other.memoryMiB, ratio - other.ratio);
    }

    /** True when this change of booking (and one more vGPU, if asked) fits what the GPU has left. */
    boolean fitsOn(GpuView g, boolean oneMoreVgpu) {
        return (!oneMoreVgpu || g.freeSlots() > 0) && g.freeMemoryMiB() >= memoryMiB && g.freeRatio() >= ratio;
    }

    /** The GPU with this change of booking and {@code vgpus} more (or fewer) vGPUs. */
    GpuView applyTo(GpuView g, int vgpus) {
        return new GpuView(g.spec(), g.node(), g.index(), Math.max(0, g.usedMemoryMiB() + memoryMiB),
                Math.max(0, g.usedRatio() + ratio), Math.max(0, g.vgpuCount() + vgpus));
    }

    @Override
    public String toString() {
        return memoryMiB + " MiB / " + ratio + "%";
    }
}
