package io.orion.api.server;

/**
 * A granted vGPU and what its sessions use of it now.
 *
 * @param grant            its quota and share (the latest resize included)
 * @param memoryUsedBytes  device memory allocated by all its sessions together
 * @param sessions         sessions attached to it now
 * @param automatic        granted by the server itself for a client that came without a grant
 *                         (only where the server's configuration allows it)
 * @param launches         kernels launched on it since it was granted, by every session it has had
 *                         (only grows: a counter for metrics)
 * @param bytesToDevice    bytes copied host to device since it was granted
 * @param bytesFromDevice  bytes copied device to host since it was granted
 * @param bytesOnDevice    bytes copied device to device and set by memset since it was granted
 * @param computeMode      how its share is enforced: {@code strict} (a cap, even on an idle GPU),
 *                         {@code elastic} (idle capacity may be borrowed) or {@code off} (the
 *                         server's compute gate is off: contexts are time-sliced by the GPU)
 * @param sharePercent     share of its GPU's time it consumed over the gate's window (the last
 *                         few seconds; {@code computeShareWindowMillis}), 0–100, measured with
 *                         events around its kernels; -1 while the gate is off
 * @param heldBackMillis   time its launches were held back by the compute gate since it was
 *                         granted (a counter; a wait in progress included)
 * @param gpuMillis        GPU time its kernels consumed since it was granted, as the gate measured
 *                         it (a counter)
 * @param groupRatio       the share the gate enforces for its group on its GPU: shares belong to
 *                         groups ({@code ORION_GROUP_ID}), all the group's vGPUs on one GPU are one
 *                         tenant, and the ratio of the one granted or resized last is the group's;
 *                         its own ratio when it has no group
 * @param groupSharePercent share of its GPU's time its whole group consumed over the window (its
 *                         own when it has no group); -1 while the gate is off
 * @param groupHeldBackMillis time launches of its group were held back since the group's first vGPU
 *                         on its GPU was granted (a counter; its own when it has no group)
 */
public record VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic, long launches,
                         long bytesToDevice, long bytesFromDevice, long bytesOnDevice, String computeMode,
                         double sharePercent, long heldBackMillis, long gpuMillis, int groupRatio,
                         double groupSharePercent, long groupHeldBackMillis) {

    /** A status without compute measurements: mode {@code off}, share -1. */
    public VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic, long launches,
                      long bytesToDevice, long bytesFromDevice, long bytesOnDevice) {
        this(grant, memoryUsedBytes, sessions, automatic, launches, bytesToDevice, bytesFromDevice, bytesOnDevice, "off", -1, 0, 0,
                grant.ratio(), -1, 0);
    }

    /** A status without traffic counters (all zero) or compute measurements. */
    public VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic) {
        this(grant, memoryUsedBytes, sessions, automatic, 0, 0, 0, 0);
    }

    /** This status with the compute gate's figures of the vGPU; its group's are set to the same (a vGPU without a group). */
    public VgpuStatus withCompute(String mode, double share, long heldBack, long gpu) {
        return new VgpuStatus(grant, memoryUsedBytes, sessions, automatic, launches, bytesToDevice, bytesFromDevice,
                bytesOnDevice, mode, share, heldBack, gpu, grant.ratio(), share, heldBack);
    }

    /** This status with the compute gate's figures of its group on its GPU. */
    public VgpuStatus withGroupCompute(int ratio, double share, long heldBack) {
        return new VgpuStatus(grant, memoryUsedBytes, sessions, automatic, launches, bytesToDevice, bytesFromDevice,
                bytesOnDevice, computeMode, sharePercent, heldBackMillis, gpuMillis, ratio, share, heldBack);
    }
}
