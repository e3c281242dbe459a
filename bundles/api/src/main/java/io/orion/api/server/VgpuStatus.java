package io.orion.api.server;

/**
 * A granted vGPU and what its sessions use of it now.
 *
 * @param grant            its quota and share (the latest resize included)
 * @param memoryUsedBytes  device memory allocated by all its sessions together
 * @param sessions         sessions attached to it now
 * @param automatic        granted by the server itself for a client that came without a grant
 *                         (only where the server's configuration allows it)
 */
public record VgpuStatus(VgpuGrant grant, long memoryUsedBytes, int sessions, boolean automatic) {}
