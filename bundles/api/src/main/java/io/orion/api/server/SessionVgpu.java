package io.orion.api.server;

/**
 * One vGPU of a session and the session's use of it. Counters only grow.
 *
 * @param vgpuId           the vGPU
 * @param device           its device number in the client program
 * @param memoryUsedBytes  device memory this session holds on it now
 * @param allocations      live allocations of this session on it
 * @param launches         kernels launched
 * @param bytesToDevice    bytes copied host to device
 * @param bytesFromDevice  bytes copied device to host
 * @param bytesOnDevice    bytes copied device to device and set by memset
 * @param calls            protocol calls handled for this device
 */
public record SessionVgpu(String vgpuId, int device, long memoryUsedBytes, long allocations, long launches,
                          long bytesToDevice, long bytesFromDevice, long bytesOnDevice, long calls) {}
