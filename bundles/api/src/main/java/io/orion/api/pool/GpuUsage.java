package io.orion.api.pool;

/**
 * How busy a physical GPU is, as its server last reported. A value the server cannot read is -1.
 *
 * @param gpuUuid            the GPU
 * @param utilPercent        share of time a kernel ran
 * @param memoryUtilPercent  share of time device memory was read or written
 * @param memoryUsedMiB      device memory in use, all processes
 * @param temperatureC       core temperature
 * @param powerWatts         board power draw
 */
public record GpuUsage(String gpuUuid, int utilPercent, int memoryUtilPercent, long memoryUsedMiB, int temperatureC,
                       double powerWatts) {}
