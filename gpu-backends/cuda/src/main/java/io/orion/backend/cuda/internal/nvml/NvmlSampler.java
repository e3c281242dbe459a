package io.orion.backend.cuda.internal.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;

import io.orion.api.backend.GpuTelemetry;
import io.orion.api.backend.GpuTelemetry.ProcessMemory;
import io.orion.backend.cuda.internal.ffi.Nvml;
import io.orion.backend.cuda.internal.ffi.nvmlMemory_st;
import io.orion.backend.cuda.internal.ffi.nvmlProcessInfo_v2_st;
import io.orion.backend.cuda.internal.ffi.nvmlUtilization_st;

/**
 * Reads one sample of one GPU from NVML. Runs on the telemetry thread only. A metric the device
 * does not support (NVML_ERROR_NOT_SUPPORTED) is remembered and not asked again; any value NVML
 * cannot give is -1, as {@link GpuTelemetry} says.
 */
final class NvmlSampler {
    private static final int FIRST_PROCESS_CAPACITY = 32;

    private final MemorySegment device;
    private final Clock clock;
    private final Set<String> unsupported = new HashSet<>();
    private int processCapacity = FIRST_PROCESS_CAPACITY;

    NvmlSampler(MemorySegment device, Clock clock) {
        this.device = device;
        this.clock = clock;
    }

    /** The NVML handle of the GPU with this UUID ({@code GPU-...}), or an NVML error. */
    static MemorySegment handleOf(String uuid) throws NvmlException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            NvmlException.check(Nvml.nvmlDeviceGetHandleByUUID(arena.allocateFrom(uuid), out),
                    "nvmlDeviceGetHandleByUUID(" + uuid + ")");
            return out.get(ADDRESS, 0);
        }
    }

    GpuTelemetry sample() {
        try (Arena arena = Arena.ofConfined()) {
            int gpuUtil = -1, memUtil = -1;
            MemorySegment util = nvmlUtilization_st.allocate(arena);
            if (ask("utilization", () -> Nvml.nvmlDeviceGetUtilizationRates(device, util))) {
                gpuUtil = nvmlUtilization_st.gpu(util);
                memUtil = nvmlUtilization_st.memory(util);
            }
            MemorySegment mem = nvmlMemory_st.allocate(arena);
            long used = ask("memory", () -> Nvml.nvmlDeviceGetMemoryInfo(device, mem)) ? nvmlMemory_st.used(mem) : -1;
            MemorySegment value = arena.allocate(JAVA_INT);
            int temperature = ask("temperature", () -> Nvml.nvmlDeviceGetTemperature(device, Nvml.NVML_TEMPERATURE_GPU(), value))
                    ? value.get(JAVA_INT, 0) : -1;
            double watts = ask("power", () -> Nvml.nvmlDeviceGetPowerUsage(device, value))
                    ? Integer.toUnsignedLong(value.get(JAVA_INT, 0)) / 1000.0 : -1;
            return new GpuTelemetry(gpuUtil, memUtil, used, temperature, watts, processes(arena), clock.instant());
        }
    }

    /** Compute processes and their memory; grows the array when NVML says it is too small. */
    private List<ProcessMemory> processes(Arena arena) {
        if (unsupported.contains("processes")) return List.of();
        MemorySegment count = arena.allocate(JAVA_INT);
        for (int attempt = 0; attempt < 3; attempt++) {
            MemorySegment infos = nvmlProcessInfo_v2_st.allocateArray(processCapacity, arena);
            count.set(JAVA_INT, 0, processCapacity);
            int rc = Nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, infos);
            if (rc == Nvml.NVML_ERROR_INSUFFICIENT_SIZE()) {
                processCapacity = Math.max(2 * processCapacity, count.get(JAVA_INT, 0) + 8);
                continue;
            }
            if (!success("processes", rc)) return List.of();
            int n = count.get(JAVA_INT, 0);
            List<ProcessMemory> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                MemorySegment info = nvmlProcessInfo_v2_st.asSlice(infos, i);
                result.add(new ProcessMemory(Integer.toUnsignedLong(nvmlProcessInfo_v2_st.pid(info)),
                        nvmlProcessInfo_v2_st.usedGpuMemory(info)));
            }
            return result;
        }
        return List.of();
    }

    /** Calls NVML for one metric unless the device said it does not support it; true on success. */
    private boolean ask(String metric, IntSupplier call) {
        return !unsupported.contains(metric) && success(metric, call.getAsInt());
    }

    private boolean success(String metric, int rc) {
        if (rc == Nvml.NVML_SUCCESS()) return true;
        if (rc == Nvml.NVML_ERROR_NOT_SUPPORTED()) unsupported.add(metric);
        return false;
    }
}
