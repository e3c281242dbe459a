/* Devices: count, choice, properties, attributes, versions, synchronization, limits. */
#include <stdio.h>
#include <string.h>

#include <cuda.h>

#include "runtime/rt.h"

RT_API cudaError_t cudaGetDeviceCount(int *count) {
    if (!count) return rt_error(cudaErrorInvalidValue);
    *count = 0;
    cudaError_t e = rt_init();
    if (e) return e;
    *count = orion_device_count();
    return cudaSuccess;
}

RT_API cudaError_t cudaSetDevice(int device) {
    cudaError_t e = rt_init();
    if (e) return e;
    if (device < 0 || device >= orion_device_count()) return rt_error(cudaErrorInvalidDevice);
    orion_ctx_set_current(orion_ctx_primary(device));
    return cudaSuccess;
}

RT_API cudaError_t cudaGetDevice(int *device) {
    if (!device) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    *device = rt_device();
    return cudaSuccess;
}

RT_API cudaError_t cudaInitDevice(int device, unsigned int deviceFlags, unsigned int flags) {
    cudaError_t e = rt_init();
    if (e) return e;
    return device < 0 || device >= orion_device_count() ? rt_error(cudaErrorInvalidDevice) : cudaSuccess;
}

RT_API cudaError_t cudaSetValidDevices(int *device_arr, int len) {
    cudaError_t e = rt_init();
    if (e) return e;
    if (len < 0 || (len && !device_arr)) return rt_error(cudaErrorInvalidValue);
    for (int i = 0; i < len; i++)
        if (device_arr[i] < 0 || device_arr[i] >= orion_device_count()) return rt_error(cudaErrorInvalidDevice);
    return cudaSuccess;
}

RT_API cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device) {
    if (!value) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    if (device < 0 || device >= orion_device_count()) return rt_error(cudaErrorInvalidDevice);
    if ((int)attr < 1 || (int)attr >= (int)CU_DEVICE_ATTRIBUTE_MAX) return rt_error(cudaErrorInvalidValue);
    return rt_status(orion_device_attribute(device, (int)attr, value));
}

static int attr(int dev, int code) {
    int v = 0;
    orion_device_attribute(dev, code, &v);
    return v;
}

/* The properties shared by every layout of cudaDeviceProp (CUDA 12 and 13), from the attributes. */
#define FILL_COMMON(p, d, info)                                                                             \
    do {                                                                                                    \
        snprintf((p)->name, sizeof (p)->name, "%s", (info)->name);                                          \
        uuid_from_text((info)->gpu_uuid, (unsigned char *)&(p)->uuid);                                      \
        (p)->totalGlobalMem = (size_t)(info)->memory_bytes;                                                 \
        (p)->sharedMemPerBlock = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK);          \
        (p)->regsPerBlock = attr(d, CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK);                            \
        (p)->warpSize = attr(d, CU_DEVICE_ATTRIBUTE_WARP_SIZE);                                              \
        (p)->memPitch = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_MAX_PITCH);                                      \
        (p)->maxThreadsPerBlock = attr(d, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);                        \
        for (int i_ = 0; i_ < 3; i_++) {                                                                    \
            (p)->maxThreadsDim[i_] = attr(d, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X + i_);                      \
            (p)->maxGridSize[i_] = attr(d, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X + i_);                         \
        }                                                                                                   \
        (p)->totalConstMem = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY);                     \
        (p)->major = (info)->cc_major;                                                                       \
        (p)->minor = (info)->cc_minor;                                                                       \
        (p)->textureAlignment = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT);                      \
        (p)->texturePitchAlignment = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT);           \
        (p)->multiProcessorCount = (int)(info)->multiprocessors;                                             \
        (p)->integrated = attr(d, CU_DEVICE_ATTRIBUTE_INTEGRATED);                                           \
        (p)->canMapHostMemory = 0; /* host memory cannot be mapped into a remote GPU */                     \
        (p)->concurrentKernels = attr(d, CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS);                            \
        (p)->ECCEnabled = attr(d, CU_DEVICE_ATTRIBUTE_ECC_ENABLED);                                          \
        (p)->pciBusID = attr(d, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID);                                             \
        (p)->pciDeviceID = attr(d, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID);                                       \
        (p)->pciDomainID = attr(d, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID);                                       \
        (p)->asyncEngineCount = attr(d, CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT);                             \
        (p)->unifiedAddressing = attr(d, CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING);                            \
        (p)->memoryBusWidth = attr(d, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);                          \
        (p)->l2CacheSize = attr(d, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);                                       \
        (p)->persistingL2CacheMaxSize = attr(d, CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE);           \
        (p)->maxThreadsPerMultiProcessor = attr(d, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);      \
        (p)->streamPrioritiesSupported = attr(d, CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED);           \
        (p)->globalL1CacheSupported = attr(d, CU_DEVICE_ATTRIBUTE_GLOBAL_L1_CACHE_SUPPORTED);                \
        (p)->localL1CacheSupported = attr(d, CU_DEVICE_ATTRIBUTE_LOCAL_L1_CACHE_SUPPORTED);                  \
        (p)->sharedMemPerMultiprocessor = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR); \
        (p)->regsPerMultiprocessor = attr(d, CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR);          \
        (p)->managedMemory = 0; /* unified memory cannot span the network */                                \
        (p)->isMultiGpuBoard = attr(d, CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD);                                 \
        (p)->multiGpuBoardGroupID = attr(d, CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD_GROUP_ID);                   \
        (p)->hostNativeAtomicSupported = 0;                                                                 \
        (p)->pageableMemoryAccess = 0;                                                                      \
        (p)->concurrentManagedAccess = 0;                                                                   \
        (p)->computePreemptionSupported = attr(d, CU_DEVICE_ATTRIBUTE_COMPUTE_PREEMPTION_SUPPORTED);         \
        (p)->canUseHostPointerForRegisteredMem = 0;                                                         \
        (p)->cooperativeLaunch = 0; /* cudaLaunchCooperativeKernel is not supported */                      \
        (p)->sharedMemPerBlockOptin = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN); \
        (p)->maxBlocksPerMultiProcessor = attr(d, CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR);        \
        (p)->accessPolicyMaxWindowSize = attr(d, CU_DEVICE_ATTRIBUTE_MAX_ACCESS_POLICY_WINDOW_SIZE);         \
        (p)->reservedSharedMemPerBlock = (size_t)attr(d, CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK); \
        (p)->hostRegisterSupported = 1;                                                                     \
        (p)->memoryPoolsSupported = 0;                                                                      \
        (p)->clusterLaunch = 0;                                                                             \
    } while (0)

/* "GPU-8f2c1e4a-0b1d-4c57-9a3e-1f2d3c4b5a69" into its 16 bytes; zeros when it is not one. */
static void uuid_from_text(const char *text, unsigned char out[16]) {
    memset(out, 0, 16);
    const char *p = !strncmp(text, "GPU-", 4) ? text + 4 : text;
    int n = 0;
    for (; *p && n < 32; p++) {
        int v;
        if (*p == '-') continue;
        if (*p >= '0' && *p <= '9') v = *p - '0';
        else if (*p >= 'a' && *p <= 'f') v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F') v = *p - 'A' + 10;
        else return;
        out[n / 2] = (unsigned char)(out[n / 2] << 4 | v);
        n++;
    }
    if (n != 32) memset(out, 0, 16);
}

static cudaError_t check_device(int device) {
    cudaError_t e = rt_init();
    if (e) return e;
    return device < 0 || device >= orion_device_count() ? rt_error(cudaErrorInvalidDevice) : cudaSuccess;
}

#if ORION_CUDART_MAJOR >= 13
RT_API cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device) {
    if (!prop) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = check_device(device);
    if (e) return e;
    const orv_device_info *info = orion_device_info(device);
    memset(prop, 0, sizeof *prop);
    FILL_COMMON(prop, device, info);
    prop->gpuDirectRDMASupported = 0;
    prop->ipcEventSupported = 0;
    prop->hostRegisterReadOnlySupported = 0;
    return cudaSuccess;
}
#else
/*
 * CUDA 12's cudaDeviceProp: the fields CUDA 13 removed (clock rates, compute mode, ...) sit in the
 * middle, so it has its own layout. Only the named fields are written: the program's struct is
 * at least this large whatever 12.x it was built with (the reserved tail follows them).
 */
struct cuda12_device_prop {
    char name[256];
    cudaUUID_t uuid;
    char luid[8];
    unsigned int luidDeviceNodeMask;
    size_t totalGlobalMem, sharedMemPerBlock;
    int regsPerBlock, warpSize;
    size_t memPitch;
    int maxThreadsPerBlock, maxThreadsDim[3], maxGridSize[3], clockRate;
    size_t totalConstMem;
    int major, minor;
    size_t textureAlignment, texturePitchAlignment;
    int deviceOverlap, multiProcessorCount, kernelExecTimeoutEnabled, integrated, canMapHostMemory, computeMode;
    int maxTexture1D, maxTexture1DMipmap, maxTexture1DLinear, maxTexture2D[2], maxTexture2DMipmap[2];
    int maxTexture2DLinear[3], maxTexture2DGather[2], maxTexture3D[3], maxTexture3DAlt[3], maxTextureCubemap;
    int maxTexture1DLayered[2], maxTexture2DLayered[3], maxTextureCubemapLayered[2], maxSurface1D, maxSurface2D[2];
    int maxSurface3D[3], maxSurface1DLayered[2], maxSurface2DLayered[3], maxSurfaceCubemap, maxSurfaceCubemapLayered[2];
    size_t surfaceAlignment;
    int concurrentKernels, ECCEnabled, pciBusID, pciDeviceID, pciDomainID, tccDriver, asyncEngineCount, unifiedAddressing;
    int memoryClockRate, memoryBusWidth, l2CacheSize, persistingL2CacheMaxSize, maxThreadsPerMultiProcessor;
    int streamPrioritiesSupported, globalL1CacheSupported, localL1CacheSupported;
    size_t sharedMemPerMultiprocessor;
    int regsPerMultiprocessor, managedMemory, isMultiGpuBoard, multiGpuBoardGroupID, hostNativeAtomicSupported;
    int singleToDoublePrecisionPerfRatio, pageableMemoryAccess, concurrentManagedAccess, computePreemptionSupported;
    int canUseHostPointerForRegisteredMem, cooperativeLaunch, cooperativeMultiDeviceLaunch;
    size_t sharedMemPerBlockOptin;
    int pageableMemoryAccessUsesHostPageTables, directManagedMemAccessFromHost, maxBlocksPerMultiProcessor;
    int accessPolicyMaxWindowSize;
    size_t reservedSharedMemPerBlock;
    int hostRegisterSupported, sparseCudaArraySupported, hostRegisterReadOnlySupported;
    int timelineSemaphoreInteropSupported, memoryPoolsSupported, gpuDirectRDMASupported;
    unsigned int gpuDirectRDMAFlushWritesOptions;
    int gpuDirectRDMAWritesOrdering;
    unsigned int memoryPoolSupportedHandleTypes;
    int deferredMappingCudaArraySupported, ipcEventSupported, clusterLaunch, unifiedFunctionPointers;
};

/* Defined under CUDA 12's names with asm labels: CUDA 13's header declares cudaGetDeviceProperties
 * with the 13 layout, which this is not. */
RT_API cudaError_t rt12_get_device_properties(struct cuda12_device_prop *prop, int device) __asm__("cudaGetDeviceProperties_v2");
RT_API cudaError_t rt12_get_device_properties_legacy(struct cuda12_device_prop *prop, int device) __asm__("cudaGetDeviceProperties");
RT_API cudaError_t cudaThreadSynchronize(void);
RT_API cudaError_t cudaThreadExit(void);

RT_API cudaError_t rt12_get_device_properties(struct cuda12_device_prop *prop, int device) {
    if (!prop) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = check_device(device);
    if (e) return e;
    const orv_device_info *info = orion_device_info(device);
    memset(prop, 0, sizeof *prop);
    FILL_COMMON(prop, device, info);
    prop->clockRate = attr(device, CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
    prop->memoryClockRate = attr(device, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
    prop->deviceOverlap = attr(device, CU_DEVICE_ATTRIBUTE_GPU_OVERLAP);
    prop->singleToDoublePrecisionPerfRatio = attr(device, CU_DEVICE_ATTRIBUTE_SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO);
    return cudaSuccess;
}

/* The unsuffixed name takes the same layout in libcudart.so.12. */
RT_API cudaError_t rt12_get_device_properties_legacy(struct cuda12_device_prop *prop, int device) {
    return rt12_get_device_properties(prop, device);
}

RT_API cudaError_t cudaThreadSynchronize(void) { return cudaDeviceSynchronize(); }
RT_API cudaError_t cudaThreadExit(void) { return cudaDeviceReset(); }
#endif

RT_API cudaError_t cudaDeviceGetPCIBusId(char *pciBusId, int len, int device) {
    if (!pciBusId || len <= 0) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = check_device(device);
    if (e) return e;
    const orv_device_info *info = orion_device_info(device);
    snprintf(pciBusId, (size_t)len, "%s", info->pci_bus_id[0] ? info->pci_bus_id : "0000:00:00.0");
    return cudaSuccess;
}

RT_API cudaError_t cudaDriverGetVersion(int *driverVersion) {
    if (!driverVersion) return rt_error(cudaErrorInvalidValue);
    *driverVersion = CUDA_VERSION; /* the driver API this client offers */
    return cudaSuccess;
}

RT_API cudaError_t cudaRuntimeGetVersion(int *runtimeVersion) {
    if (!runtimeVersion) return rt_error(cudaErrorInvalidValue);
    *runtimeVersion = ORION_CUDART_VERSION;
    return cudaSuccess;
}

RT_API cudaError_t cudaDeviceSynchronize(void) {
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_device_sync(rt_device()));
}

/* Frees nothing on the server (other processes of a group may share the vGPU), but makes the
 * device quiet, as the program expects after a reset. */
RT_API cudaError_t cudaDeviceReset(void) {
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_device_sync(rt_device()));
}

RT_API cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total) {
    if (!free_bytes || !total) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_mem_info(rt_device(), free_bytes, total));
}

RT_API cudaError_t cudaDeviceGetStreamPriorityRange(int *leastPriority, int *greatestPriority) {
    cudaError_t e = rt_init();
    if (e) return e;
    /* CUDA's usual range: 0 is the lowest priority, -5 the highest (see cudaStreamCreateWithPriority) */
    if (leastPriority) *leastPriority = 0;
    if (greatestPriority) *greatestPriority = attr(rt_device(), CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED) ? -5 : 0;
    return cudaSuccess;
}

RT_API cudaError_t cudaDeviceGetLimit(size_t *pValue, enum cudaLimit limit) {
    if (!pValue) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    switch (limit) {
    case cudaLimitStackSize: *pValue = 1024; return cudaSuccess;
    case cudaLimitPrintfFifoSize: *pValue = 1 << 20; return cudaSuccess;
    case cudaLimitMallocHeapSize: *pValue = 8 << 20; return cudaSuccess;
    default: return rt_error((cudaError_t)orion_unsupported("cudaDeviceGetLimit (this limit)"));
    }
}

RT_API cudaError_t cudaDeviceCanAccessPeer(int *canAccessPeer, int device, int peerDevice) {
    if (!canAccessPeer) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = check_device(device);
    if (!e) e = check_device(peerDevice);
    if (e) return e;
    /* a kernel cannot dereference another vGPU's memory (it may sit on another server);
     * copies between vGPUs (cudaMemcpyPeer) work without peer access */
    *canAccessPeer = 0;
    return cudaSuccess;
}

RT_API cudaError_t cudaChooseDevice(int *device, const struct cudaDeviceProp *prop) {
    if (!device || !prop) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    *device = 0;
    for (int d = 0; d < orion_device_count(); d++) {
        const orv_device_info *i = orion_device_info(d);
        if (i->cc_major > prop->major || (i->cc_major == prop->major && i->cc_minor >= prop->minor)) {
            *device = d;
            break;
        }
    }
    return cudaSuccess;
}

/* Scheduling flags of the primary context: recorded and answered back (how the host waits is
 * the client's business, which always waits on its connection). */
static __thread unsigned device_flags;

RT_API cudaError_t cudaSetDeviceFlags(unsigned int flags) {
    if (flags & ~0x1Fu) return rt_error(cudaErrorInvalidValue);
    device_flags = flags;
    return cudaSuccess;
}

RT_API cudaError_t cudaGetDeviceFlags(unsigned int *flags) {
    if (!flags) return rt_error(cudaErrorInvalidValue);
    *flags = device_flags;
    return cudaSuccess;
}

/* Cache and shared-memory preferences are hints CUDA itself may ignore; the server keeps its own. */
RT_API cudaError_t cudaDeviceSetCacheConfig(enum cudaFuncCache cacheConfig) { return cudaSuccess; }

RT_API cudaError_t cudaDeviceGetCacheConfig(enum cudaFuncCache *pCacheConfig) {
    if (!pCacheConfig) return rt_error(cudaErrorInvalidValue);
    *pCacheConfig = cudaFuncCachePreferNone;
    return cudaSuccess;
}
