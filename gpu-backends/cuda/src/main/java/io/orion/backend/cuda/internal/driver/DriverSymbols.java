package io.orion.backend.cuda.internal.driver;

import java.util.List;

/**
 * The CUDA driver library and every symbol the backend binds, exactly the functions listed in
 * {@code jextract/cuda-driver.args} (a test keeps the two equal). The probe checks them all up front,
 * so an old driver is reported once and clearly instead of failing at some later first call.
 */
public final class DriverSymbols {
    private DriverSymbols() {}

    /** The name jextract's {@code --library} bound the generated class to. */
    public static final String LIBRARY = "libcuda.so.1";

    /**
     * The oldest driver API that has every symbol below: {@code cuEventElapsedTime_v2} is the newest
     * (CUDA 12.8, driver branch R570); {@code cuCtxCreate_v4} needs 12.5 and {@code cuFuncGetParamInfo} 12.4.
     */
    public static final int MIN_DRIVER_VERSION = 12080;

    public static final List<String> REQUIRED = List.of(
            "cuInit", "cuDriverGetVersion", "cuGetErrorName", "cuGetErrorString",
            "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetName", "cuDeviceTotalMem_v2", "cuDeviceGetAttribute",
            "cuDeviceGetUuid_v2", "cuDeviceGetPCIBusId",
            "cuCtxCreate_v4", "cuCtxDestroy_v2", "cuCtxGetCurrent", "cuCtxSetCurrent", "cuCtxPopCurrent_v2",
            "cuCtxSynchronize",
            "cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2", "cuMemsetD8_v2", "cuMemsetD8Async",
            "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2", "cuMemcpyDtoD_v2",
            "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoDAsync_v2",
            "cuMemAllocHost_v2", "cuMemFreeHost", "cuMemHostRegister_v2", "cuMemHostUnregister",
            "cuModuleLoadDataEx", "cuModuleUnload", "cuModuleGetFunction", "cuModuleGetGlobal_v2",
            "cuFuncLoad", "cuFuncGetParamInfo", "cuFuncGetAttribute", "cuOccupancyMaxActiveBlocksPerMultiprocessor",
            "cuLaunchKernel",
            "cuStreamCreateWithPriority", "cuStreamDestroy_v2", "cuStreamSynchronize", "cuStreamQuery",
            "cuStreamWaitEvent",
            "cuEventCreate", "cuEventDestroy_v2", "cuEventRecord", "cuEventSynchronize", "cuEventQuery",
            "cuEventElapsedTime_v2");

    /** {@code 12080} as {@code 12.8}. */
    public static String versionText(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }
}
