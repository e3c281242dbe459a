package io.orion.api.pool;

/**
 * What a vGPU's client is doing, as its server last reported.
 *
 * @param vgpuId          the vGPU
 * @param process         the client process holding it, e.g. {@code 4711@worker-3}; empty when none is connected
 * @param memoryUsedMiB   device memory the process has allocated on it
 * @param launches        kernel launches so far
 * @param bytesMoved      bytes copied to and from the device so far
 * @param sharePercent    share of the GPU's time it consumed over the last seconds (0–100)
 * @param heldBackMillis  time its launches were held back by the compute gate so far
 */
public record VgpuUsage(String vgpuId, String process, long memoryUsedMiB, long launches, long bytesMoved,
                        double sharePercent, long heldBackMillis) {}
