package io.orion.api.backend;

import java.time.Instant;
import java.util.List;

/**
 * One telemetry sample of a physical GPU. A value the backend cannot read is {@code -1}.
 *
 * @param gpuUtilPercent     share of time a kernel ran, last sample period
 * @param memoryUtilPercent  share of time device memory was read or written
 * @param memoryUsedBytes    device memory in use, all processes
 * @param temperatureC       core temperature
 * @param powerWatts         board power draw
 * @param processes          per-process device memory
 * @param sampledAt          when the sample was taken
 */
public record GpuTelemetry(int gpuUtilPercent, int memoryUtilPercent, long memoryUsedBytes, int temperatureC,
                           double powerWatts, List<ProcessMemory> processes, Instant sampledAt) {
    public GpuTelemetry {
        processes = List.copyOf(processes);
    }

    /** Device memory used by one process. */
    public record ProcessMemory(long pid, long usedBytes) {}
}
