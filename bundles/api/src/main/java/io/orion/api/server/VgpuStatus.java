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
 */
public record VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic, long launches,
                         long bytesToDevice, long bytesFromDevice, long bytesOnDevice) {

    /** A status without traffic counters (all zero). */
    public VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic) {
        this(grant, memoryUsedBytes, sessions, automatic, 0, 0, 0, 0);
    }
}
