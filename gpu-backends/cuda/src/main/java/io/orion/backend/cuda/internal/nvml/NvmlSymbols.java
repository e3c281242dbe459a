package io.orion.backend.cuda.internal.nvml;

import java.util.List;

/** The NVML library and every symbol the telemetry binds, as listed in {@code jextract/nvml.args}. */
public final class NvmlSymbols {
    private NvmlSymbols() {}

    public static final String LIBRARY = "libnvidia-ml.so.1";

    public static final List<String> REQUIRED = List.of(
            "nvmlInit_v2", "nvmlShutdown", "nvmlErrorString", "nvmlDeviceGetHandleByUUID",
            "nvmlDeviceGetUtilizationRates", "nvmlDeviceGetMemoryInfo", "nvmlDeviceGetTemperature",
            "nvmlDeviceGetPowerUsage", "nvmlDeviceGetComputeRunningProcesses_v3");
}
