/* Launches, kernel handles and attributes, occupancy, libraries, and the driver's entry points. */
#include <string.h>

#include <cuda.h>

#include "runtime/rt.h"

/* A kernel from what the program passes as "func": the host stub of a registered kernel, or a
 * cudaKernel_t / cudaFunction_t this runtime handed out. */
static orion_function *kernel_of(const void *func) {
    orion_function *f = rt_kernel(func);
    if (!f && orion_function_lookup(func, &f)) f = NULL;
    return f;
}

static cudaError_t launch(orion_function *f, dim3 grid, dim3 block, void **args, size_t shared, cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    if (!f) return rt_error(cudaErrorInvalidDeviceFunction);
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    int dev = s ? orion_stream_device(s) : rt_device();
    unsigned g[3] = {grid.x, grid.y, grid.z}, b[3] = {block.x, block.y, block.z};
    if (shared > 0xFFFFFFFFu || !orion_launch_config_ok(dev, g, b, (unsigned)shared))
        return rt_error(cudaErrorInvalidConfiguration);
    int rc = orion_launch(f, dev, g, b, (unsigned)shared, s, args, NULL, 0);
    if (rc == OR_NOT_FOUND) return rt_error(cudaErrorInvalidDeviceFunction);
    return rt_status(rc);
}

RT_API cudaError_t cudaLaunchKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args, size_t sharedMem,
                                    cudaStream_t stream) {
    return launch(kernel_of(func), gridDim, blockDim, args, sharedMem, stream);
}

/* CUDA 13's <<<>>> stubs: the kernel is looked up once (__cudaGetKernel), then launched by handle. */
RT_API cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFun) {
    orion_function *f = rt_kernel(hostFun);
    if (!kernel || !f) return rt_error(cudaErrorInvalidDeviceFunction);
    *kernel = (cudaKernel_t)f;
    return cudaSuccess;
}

RT_API cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args, size_t sharedMem,
                                      cudaStream_t stream) {
    orion_function *f;
    if (orion_function_lookup(kernel, &f)) f = NULL;
    return launch(f, gridDim, blockDim, args, sharedMem, stream);
}

RT_API cudaError_t cudaGetKernel(cudaKernel_t *kernelPtr, const void *entryFuncAddr) {
    return __cudaGetKernel(kernelPtr, entryFuncAddr);
}

RT_API cudaError_t cudaGetFuncBySymbol(cudaFunction_t *functionPtr, const void *symbolPtr) {
    orion_function *f = kernel_of(symbolPtr);
    if (!functionPtr || !f) return rt_error(cudaErrorInvalidDeviceFunction);
    *functionPtr = (cudaFunction_t)f;
    return cudaSuccess;
}

RT_API cudaError_t cudaFuncGetName(const char **name, const void *func) {
    orion_function *f = kernel_of(func);
    if (!name) return rt_error(cudaErrorInvalidValue);
    if (!f) return rt_error(cudaErrorInvalidDeviceFunction);
    *name = orion_function_name(f);
    return cudaSuccess;
}

RT_API cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *func, void **args) {
    if (!config) return rt_error(cudaErrorInvalidValue);
    for (unsigned i = 0; i < config->numAttrs; i++) {
        /* priority only orders work on the server's side; everything else changes how the
         * kernel runs and is refused rather than ignored */
        if (config->attrs[i].id != cudaLaunchAttributePriority)
            return rt_error((cudaError_t)orion_unsupported("cudaLaunchKernelExC with launch attributes"));
    }
    return launch(kernel_of(func), config->gridDim, config->blockDim, args, config->dynamicSmemBytes, config->stream);
}

RT_API cudaError_t cudaFuncGetAttributes(struct cudaFuncAttributes *attr, const void *func) {
    if (!attr) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_function *f = kernel_of(func);
    if (!f) return rt_error(cudaErrorInvalidDeviceFunction);
    orv_function_attributes a;
    int rc = orion_function_attributes(f, orion_function_device(f, rt_device()), &a);
    if (rc) return rt_status(rc);
    memset(attr, 0, sizeof *attr);
    attr->sharedSizeBytes = (size_t)a.shared_size_bytes;
    attr->constSizeBytes = (size_t)a.const_size_bytes;
    attr->localSizeBytes = (size_t)a.local_size_bytes;
    attr->maxThreadsPerBlock = a.max_threads_per_block;
    attr->numRegs = a.num_regs;
    attr->ptxVersion = a.ptx_version;
    attr->binaryVersion = a.binary_version;
    attr->maxDynamicSharedSizeBytes = a.max_dynamic_shared_size_bytes;
    attr->preferredShmemCarveout = -1;
    return cudaSuccess;
}

RT_API cudaError_t cudaFuncSetAttribute(const void *func, enum cudaFuncAttribute attr, int value) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_function *f = kernel_of(func);
    if (!f) return rt_error(cudaErrorInvalidDeviceFunction);
    if (attr == cudaFuncAttributePreferredSharedMemoryCarveout) return cudaSuccess; /* a hint, as in CUDA */
    if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
        /* the protocol cannot raise a kernel's limit; a value within it needs no change */
        orv_function_attributes a;
        int rc = orion_function_attributes(f, orion_function_device(f, rt_device()), &a);
        if (rc) return rt_status(rc);
        if (value >= 0 && value <= a.max_dynamic_shared_size_bytes) return cudaSuccess;
        return rt_error((cudaError_t)orion_unsupported("cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize) above the kernel's default"));
    }
    return rt_error((cudaError_t)orion_unsupported("cudaFuncSetAttribute (this attribute)"));
}

/* Preferences CUDA may ignore too: accepted. */
RT_API cudaError_t cudaFuncSetCacheConfig(const void *func, enum cudaFuncCache cacheConfig) {
    return kernel_of(func) ? cudaSuccess : rt_error(cudaErrorInvalidDeviceFunction);
}

static cudaError_t occupancy(int *numBlocks, const void *func, int blockSize, size_t dynamicSMemSize) {
    if (!numBlocks) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_function *f = kernel_of(func);
    if (!f) return rt_error(cudaErrorInvalidDeviceFunction);
    if (blockSize <= 0) return rt_error(cudaErrorInvalidValue);
    return rt_status(orion_occupancy(f, orion_function_device(f, rt_device()), blockSize, dynamicSMemSize, numBlocks));
}

RT_API cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, const void *func, int blockSize,
                                                                 size_t dynamicSMemSize) {
    return occupancy(numBlocks, func, blockSize, dynamicSMemSize);
}

RT_API cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, const void *func, int blockSize,
                                                                          size_t dynamicSMemSize, unsigned int flags) {
    if (flags & ~1u) return rt_error(cudaErrorInvalidValue);
    return occupancy(numBlocks, func, blockSize, dynamicSMemSize);
}

/* ---- libraries (CUDA 12+): a module loaded lazily on each device that uses it --------------------- */

RT_API cudaError_t cudaLibraryLoadData(cudaLibrary_t *library, const void *code, enum cudaJitOption *jitOptions,
                                       void **jitOptionsValues, unsigned int numJitOptions,
                                       enum cudaLibraryOption *libraryOptions, void **libraryOptionValues,
                                       unsigned int numLibraryOptions) {
    if (!library || !code) return rt_error(cudaErrorInvalidValue);
    orion_module *m;
    int rc = orion_module_create(code, 0, -1, 1, &m);
    if (rc) return rt_status(rc);
    *library = (cudaLibrary_t)m;
    return cudaSuccess;
}

RT_API cudaError_t cudaLibraryUnload(cudaLibrary_t library) {
    orion_module *m;
    if (orion_module_lookup(library, &m)) return rt_error(cudaErrorInvalidResourceHandle);
    return rt_status(orion_module_unload(m));
}

RT_API cudaError_t cudaLibraryGetKernel(cudaKernel_t *pKernel, cudaLibrary_t library, const char *name) {
    orion_module *m;
    if (!pKernel || !name) return rt_error(cudaErrorInvalidValue);
    if (orion_module_lookup(library, &m)) return rt_error(cudaErrorInvalidResourceHandle);
    orion_function *f;
    int rc = orion_module_function(m, name, &f);
    if (rc) return rt_status(rc);
    /* an unknown name is found out when a device first resolves it */
    cudaError_t e = rt_init();
    if (e) return e;
    const orv_function_info *info;
    rc = orion_function_layout(f, rt_device(), &info);
    if (rc) return rt_error(rc == OR_NOT_FOUND ? cudaErrorSymbolNotFound : (cudaError_t)rc);
    *pKernel = (cudaKernel_t)f;
    return cudaSuccess;
}

RT_API cudaError_t cudaLibraryGetGlobal(void **dptr, size_t *bytes, cudaLibrary_t library, const char *name) {
    orion_module *m;
    if (!name) return rt_error(cudaErrorInvalidValue);
    if (orion_module_lookup(library, &m)) return rt_error(cudaErrorInvalidResourceHandle);
    cudaError_t e = rt_init();
    if (e) return e;
    uint64_t a;
    size_t size;
    int rc = orion_module_global(m, name, rt_device(), &a, &size);
    if (rc) return rt_status(rc);
    if (dptr) *dptr = (void *)(uintptr_t)a;
    if (bytes) *bytes = size;
    return cudaSuccess;
}

/* ---- the driver's entry points -------------------------------------------------------------------- */

static cudaError_t entry_point(const char *symbol, void **funcPtr, unsigned cudaVersion, unsigned long long flags,
                               enum cudaDriverEntryPointQueryResult *driverStatus) {
    if (!symbol || !funcPtr) return rt_error(cudaErrorInvalidValue);
    CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SUCCESS;
    CUresult rc = cuGetProcAddress_v2(symbol, funcPtr, (int)cudaVersion, (cuuint64_t)flags, &status);
    if (driverStatus) *driverStatus = (enum cudaDriverEntryPointQueryResult)status;
    /* a symbol that is not found is reported through driverStatus, with success, as CUDA does */
    if (rc == CUDA_ERROR_NOT_FOUND && driverStatus) return cudaSuccess;
    return rt_status(rc);
}

RT_API cudaError_t cudaGetDriverEntryPoint(const char *symbol, void **funcPtr, unsigned long long flags,
                                           enum cudaDriverEntryPointQueryResult *driverStatus) {
    return entry_point(symbol, funcPtr, CUDA_VERSION, flags, driverStatus);
}

RT_API cudaError_t cudaGetDriverEntryPointByVersion(const char *symbol, void **funcPtr, unsigned int cudaVersion,
                                                    unsigned long long flags,
                                                    enum cudaDriverEntryPointQueryResult *driverStatus) {
    return entry_point(symbol, funcPtr, cudaVersion, flags, driverStatus);
}
