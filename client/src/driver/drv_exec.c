/* Streams, events, modules, libraries, kernels, launches and occupancy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/drv.h"

/* ---- streams ------------------------------------------------------------------------------------ */

DRV_API CUresult cuStreamCreateWithPriority(CUstream *phStream, unsigned int flags, int priority) {
    if (!phStream || (flags & ~1u)) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_stream *s;
    int rc = orion_stream_create(d, flags, priority, &s);
    if (!rc) *phStream = (CUstream)s;
    return (CUresult)rc;
}

DRV_API CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags) { return cuStreamCreateWithPriority(phStream, Flags, 0); }

DRV_API CUresult cuStreamDestroy(CUstream hStream) {
    CUresult r = drv_ready();
    if (r) return r;
    orion_stream *s;
    if (drv_stream(hStream, &s) || !s) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_stream_destroy(s);
}

DRV_API CUresult drv_stream_destroy_v1(CUstream hStream) __asm__("cuStreamDestroy");
DRV_API CUresult drv_stream_destroy_v1(CUstream hStream) { return cuStreamDestroy(hStream); }

static CUresult stream_op(CUstream h, int query) {
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)(query ? orion_stream_query(d, s) : orion_stream_sync(d, s));
}

DRV_API CUresult cuStreamSynchronize(CUstream hStream) { return stream_op(hStream, 0); }
DRV_API CUresult cuStreamQuery(CUstream hStream) { return stream_op(hStream, 1); }

DRV_API CUresult cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int Flags) {
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_stream *s;
    orion_event *e;
    if (drv_stream(hStream, &s) || orion_event_lookup(hEvent, &e)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_stream_wait_event(d, s, e);
}

DRV_API CUresult cuStreamGetPriority(CUstream hStream, int *priority) {
    orion_stream *s;
    if (!priority) return CUDA_ERROR_INVALID_VALUE;
    if (drv_stream(hStream, &s)) return CUDA_ERROR_INVALID_HANDLE;
    *priority = orion_stream_priority(s);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuStreamGetFlags(CUstream hStream, unsigned int *flags) {
    orion_stream *s;
    if (!flags) return CUDA_ERROR_INVALID_VALUE;
    if (drv_stream(hStream, &s)) return CUDA_ERROR_INVALID_HANDLE;
    *flags = orion_stream_flags(s);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuStreamGetDevice(CUstream hStream, CUdevice *device) {
    if (!device) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_stream *s;
    if (drv_stream(hStream, &s)) return CUDA_ERROR_INVALID_HANDLE;
    *device = s ? orion_stream_device(s) : d;
    return CUDA_SUCCESS;
}

/* ---- events ------------------------------------------------------------------------------------ */

DRV_API CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags) {
    if (!phEvent || (Flags & ~(unsigned)(CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING))) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_event *e;
    int rc = orion_event_create(d, Flags, &e);
    if (!rc) *phEvent = (CUevent)e;
    return (CUresult)rc;
}

DRV_API CUresult cuEventDestroy(CUevent hEvent) {
    orion_event *e;
    if (orion_event_lookup(hEvent, &e)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_event_destroy(e);
}

DRV_API CUresult drv_event_destroy_v1(CUevent hEvent) __asm__("cuEventDestroy");
DRV_API CUresult drv_event_destroy_v1(CUevent hEvent) { return cuEventDestroy(hEvent); }

DRV_API CUresult cuEventRecord(CUevent hEvent, CUstream hStream) {
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_event *e;
    orion_stream *s;
    if (orion_event_lookup(hEvent, &e) || drv_stream(hStream, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_event_record(e, d, s);
}

DRV_API CUresult cuEventRecordWithFlags(CUevent hEvent, CUstream hStream, unsigned int flags) {
    if (flags) return (CUresult)orion_unsupported("cuEventRecordWithFlags with CU_EVENT_RECORD_EXTERNAL");
    return cuEventRecord(hEvent, hStream);
}

DRV_API CUresult cuEventQuery(CUevent hEvent) {
    orion_event *e;
    if (orion_event_lookup(hEvent, &e)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_event_query(e);
}

DRV_API CUresult cuEventSynchronize(CUevent hEvent) {
    orion_event *e;
    if (orion_event_lookup(hEvent, &e)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_event_sync(e);
}

DRV_API CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd) {
    if (!pMilliseconds) return CUDA_ERROR_INVALID_VALUE;
    orion_event *a, *b;
    if (orion_event_lookup(hStart, &a) || orion_event_lookup(hEnd, &b)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_event_elapsed(pMilliseconds, a, b);
}

DRV_API CUresult drv_event_elapsed_v1(float *ms, CUevent a, CUevent b) __asm__("cuEventElapsedTime");
DRV_API CUresult drv_event_elapsed_v1(float *ms, CUevent a, CUevent b) { return cuEventElapsedTime(ms, a, b); }

/* ---- modules ------------------------------------------------------------------------------------ */

static CUresult load(CUmodule *module, const void *image, size_t size) {
    if (!module || !image) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_module *m;
    int rc = orion_module_create(image, size, d, 1, &m);
    if (!rc) *module = (CUmodule)m;
    return (CUresult)rc;
}

DRV_API CUresult cuModuleLoadData(CUmodule *module, const void *image) { return load(module, image, 0); }

/* JIT options only shape how PTX is compiled on the server, which uses its own defaults. */
DRV_API CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int numOptions, CUjit_option *options,
                                    void **optionValues) {
    return load(module, image, 0);
}

DRV_API CUresult cuModuleLoadFatBinary(CUmodule *module, const void *fatCubin) { return load(module, fatCubin, 0); }

DRV_API CUresult cuModuleLoad(CUmodule *module, const char *fname) {
    if (!fname) return CUDA_ERROR_INVALID_VALUE;
    FILE *f = fopen(fname, "rb");
    if (!f) return errno == ENOENT ? CUDA_ERROR_FILE_NOT_FOUND : CUDA_ERROR_INVALID_VALUE;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
    CUresult r = CUDA_ERROR_INVALID_IMAGE;
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = 0; /* PTX text is recognised as text */
        r = load(module, buf, (size_t)n);
    }
    free(buf);
    fclose(f);
    return r;
}

DRV_API CUresult cuModuleUnload(CUmodule hmod) {
    orion_module *m;
    if (orion_module_lookup(hmod, &m)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_module_unload(m);
}

DRV_API CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name) {
    if (!hfunc || !name) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    if (r) return r;
    orion_module *m;
    orion_function *f;
    if (orion_module_lookup(hmod, &m)) return CUDA_ERROR_INVALID_HANDLE;
    int rc = orion_module_function(m, name, &f);
    if (!rc) *hfunc = (CUfunction)f;
    return (CUresult)rc;
}

DRV_API CUresult cuModuleGetGlobal(CUdeviceptr *dptr, size_t *bytes, CUmodule hmod, const char *name) {
    if (!name) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    orion_module *m;
    if (orion_module_lookup(hmod, &m)) return CUDA_ERROR_INVALID_HANDLE;
    int home = orion_module_home(m);
    uint64_t a;
    size_t size;
    int rc = orion_module_global(m, name, home >= 0 ? home : d, &a, &size);
    if (rc) return (CUresult)rc;
    if (dptr) *dptr = (CUdeviceptr)a;
    if (bytes) *bytes = size;
    return CUDA_SUCCESS;
}

/* ---- libraries and kernels (CUDA 12+): modules loaded on each device that uses them ------------ */

DRV_API CUresult cuLibraryLoadData(CUlibrary *library, const void *code, CUjit_option *jitOptions, void **jitOptionsValues,
                                   unsigned int numJitOptions, CUlibraryOption *libraryOptions, void **libraryOptionValues,
                                   unsigned int numLibraryOptions) {
    if (!library || !code) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    if (r) return r;
    orion_module *m;
    int rc = orion_module_create(code, 0, -1, 1, &m);
    if (!rc) *library = (CUlibrary)m;
    return (CUresult)rc;
}

DRV_API CUresult cuLibraryUnload(CUlibrary library) { return cuModuleUnload((CUmodule)library); }

DRV_API CUresult cuLibraryGetModule(CUmodule *pMod, CUlibrary library) {
    orion_module *m;
    if (!pMod) return CUDA_ERROR_INVALID_VALUE;
    if (orion_module_lookup(library, &m)) return CUDA_ERROR_INVALID_HANDLE;
    *pMod = (CUmodule)m;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuLibraryGetKernel(CUkernel *pKernel, CUlibrary library, const char *name) {
    CUfunction f;
    CUresult r = cuModuleGetFunction(&f, (CUmodule)library, name);
    if (r) return r;
    int d;
    if ((r = drv_device(&d))) return r;
    const orv_function_info *info; /* an unknown name shows now, not at the first launch */
    if ((r = (CUresult)orion_function_layout((orion_function *)f, d, &info))) return r;
    *pKernel = (CUkernel)f;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuKernelGetFunction(CUfunction *pFunc, CUkernel kernel) {
    orion_function *f;
    if (!pFunc) return CUDA_ERROR_INVALID_VALUE;
    if (orion_function_lookup(kernel, &f)) return CUDA_ERROR_INVALID_HANDLE;
    *pFunc = (CUfunction)f;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuLibraryGetGlobal(CUdeviceptr *dptr, size_t *bytes, CUlibrary library, const char *name) {
    return cuModuleGetGlobal(dptr, bytes, (CUmodule)library, name);
}

/* ---- kernels ------------------------------------------------------------------------------------ */

static CUresult function_device(CUfunction hfunc, orion_function **f, int *dev) {
    if (orion_function_lookup(hfunc, f)) return CUDA_ERROR_INVALID_HANDLE;
    int d = orion_current_device();
    *dev = orion_function_device(*f, d);
    return *dev < 0 ? CUDA_ERROR_INVALID_CONTEXT : drv_ready();
}

DRV_API CUresult cuFuncGetAttribute(int *pi, CUfunction_attribute attrib, CUfunction hfunc) {
    if (!pi) return CUDA_ERROR_INVALID_VALUE;
    orion_function *f;
    int d;
    CUresult r = function_device(hfunc, &f, &d);
    if (r) return r;
    orv_function_attributes a;
    if ((r = (CUresult)orion_function_attributes(f, d, &a))) return r;
    switch (attrib) {
    case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *pi = a.max_threads_per_block; break;
    case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: *pi = a.shared_size_bytes; break;
    case CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: *pi = a.const_size_bytes; break;
    case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: *pi = a.local_size_bytes; break;
    case CU_FUNC_ATTRIBUTE_NUM_REGS: *pi = a.num_regs; break;
    case CU_FUNC_ATTRIBUTE_PTX_VERSION: *pi = a.ptx_version; break;
    case CU_FUNC_ATTRIBUTE_BINARY_VERSION: *pi = a.binary_version; break;
    case CU_FUNC_ATTRIBUTE_CACHE_MODE_CA: *pi = 0; break;
    case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: *pi = a.max_dynamic_shared_size_bytes; break;
    case CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT: *pi = -1; break;
    default: return (CUresult)orion_unsupported("cuFuncGetAttribute (this attribute)");
    }
    return CUDA_SUCCESS;
}

DRV_API CUresult cuFuncSetAttribute(CUfunction hfunc, CUfunction_attribute attrib, int value) {
    orion_function *f;
    int d;
    CUresult r = function_device(hfunc, &f, &d);
    if (r) return r;
    if (attrib == CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT) return CUDA_SUCCESS; /* a hint */
    if (attrib == CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) {
        orv_function_attributes a;
        if ((r = (CUresult)orion_function_attributes(f, d, &a))) return r;
        if (value >= 0 && value <= a.max_dynamic_shared_size_bytes) return CUDA_SUCCESS;
        return (CUresult)orion_unsupported("cuFuncSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) above the kernel's default");
    }
    return (CUresult)orion_unsupported("cuFuncSetAttribute (this attribute)");
}

DRV_API CUresult cuFuncSetCacheConfig(CUfunction hfunc, CUfunc_cache config) {
    orion_function *f;
    return orion_function_lookup(hfunc, &f) ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS; /* a preference */
}

DRV_API CUresult cuFuncGetParamInfo(CUfunction func, size_t paramIndex, size_t *paramOffset, size_t *paramSize) {
    orion_function *f;
    int d;
    CUresult r = function_device(func, &f, &d);
    if (r) return r;
    const orv_function_info *info;
    if ((r = (CUresult)orion_function_layout(f, d, &info))) return r;
    if (paramIndex >= info->param_count) return CUDA_ERROR_INVALID_VALUE;
    if (paramOffset) *paramOffset = info->params[paramIndex].offset;
    if (paramSize) *paramSize = info->params[paramIndex].size;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuFuncGetName(const char **name, CUfunction hfunc) {
    orion_function *f;
    if (!name) return CUDA_ERROR_INVALID_VALUE;
    if (orion_function_lookup(hfunc, &f)) return CUDA_ERROR_INVALID_HANDLE;
    *name = orion_function_name(f);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuFuncGetModule(CUmodule *hmod, CUfunction hfunc) {
    orion_function *f;
    if (!hmod) return CUDA_ERROR_INVALID_VALUE;
    if (orion_function_lookup(hfunc, &f)) return CUDA_ERROR_INVALID_HANDLE;
    *hmod = (CUmodule)orion_function_module(f);
    return CUDA_SUCCESS;
}

/* cuLaunchKernel's "extra": CU_LAUNCH_PARAM_BUFFER_POINTER, CU_LAUNCH_PARAM_BUFFER_SIZE, END. */
static CUresult extra_buffer(void **extra, const void **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    const size_t *size = NULL;
    for (int i = 0; extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
        if (i > 64) return CUDA_ERROR_INVALID_VALUE; /* no END in sight */
        if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER) *buf = extra[i + 1];
        else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE) size = extra[i + 1];
        else return CUDA_ERROR_INVALID_VALUE;
    }
    if (!*buf || !size) return CUDA_ERROR_INVALID_VALUE;
    *len = *size;
    return CUDA_SUCCESS;
}

static CUresult launch(CUfunction hfunc, const unsigned grid[3], const unsigned block[3], unsigned shared, CUstream hStream,
                       void **kernelParams, void **extra) {
    orion_function *f;
    int d;
    CUresult r = function_device(hfunc, &f, &d);
    if (r) return r;
    orion_stream *s;
    if (drv_stream(hStream, &s)) return CUDA_ERROR_INVALID_HANDLE;
    const void *buf = NULL;
    size_t len = 0;
    if (extra && (r = extra_buffer(extra, &buf, &len))) return r;
    if (kernelParams && buf) return CUDA_ERROR_INVALID_VALUE; /* one way of passing arguments, not both */
    return (CUresult)orion_launch(f, d, grid, block, shared, s, kernelParams, buf, len);
}

DRV_API CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                                unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                                unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra) {
    unsigned g[3] = {gridDimX, gridDimY, gridDimZ}, b[3] = {blockDimX, blockDimY, blockDimZ};
    return launch(f, g, b, sharedMemBytes, hStream, kernelParams, extra);
}

DRV_API CUresult cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra) {
    if (!config) return CUDA_ERROR_INVALID_VALUE;
    for (unsigned i = 0; i < config->numAttrs; i++)
        if (config->attrs[i].id != CU_LAUNCH_ATTRIBUTE_PRIORITY)
            return (CUresult)orion_unsupported("cuLaunchKernelEx with launch attributes");
    unsigned g[3] = {config->gridDimX, config->gridDimY, config->gridDimZ};
    unsigned b[3] = {config->blockDimX, config->blockDimY, config->blockDimZ};
    return launch(f, g, b, config->sharedMemBytes, config->hStream, kernelParams, extra);
}

/* ---- occupancy ---------------------------------------------------------------------------------- */

DRV_API CUresult cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, CUfunction func, int blockSize,
                                                                       size_t dynamicSMemSize, unsigned int flags) {
    if (!numBlocks || blockSize <= 0 || (flags & ~1u)) return CUDA_ERROR_INVALID_VALUE;
    orion_function *f;
    int d;
    CUresult r = function_device(func, &f, &d);
    return r ? r : (CUresult)orion_occupancy(f, d, blockSize, dynamicSMemSize, numBlocks);
}

DRV_API CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, CUfunction func, int blockSize,
                                                             size_t dynamicSMemSize) {
    return cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(numBlocks, func, blockSize, dynamicSMemSize, 0);
}

/* The block size with the most resident threads per multiprocessor, asked of the server for each
 * multiple of the warp size (largest first, so ties go to the larger block). */
DRV_API CUresult cuOccupancyMaxPotentialBlockSizeWithFlags(int *minGridSize, int *blockSize, CUfunction func,
                                                           CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                                                           size_t dynamicSMemSize, int blockSizeLimit, unsigned int flags) {
    if (!minGridSize || !blockSize) return CUDA_ERROR_INVALID_VALUE;
    orion_function *f;
    int d;
    CUresult r = function_device(func, &f, &d);
    if (r) return r;
    orv_function_attributes a;
    if ((r = (CUresult)orion_function_attributes(f, d, &a))) return r;
    int warp = 32, sms = 1;
    orion_device_attribute(d, CU_DEVICE_ATTRIBUTE_WARP_SIZE, &warp);
    orion_device_attribute(d, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, &sms);
    if (warp <= 0) warp = 32;
    int limit = a.max_threads_per_block;
    if (blockSizeLimit > 0 && blockSizeLimit < limit) limit = blockSizeLimit;
    int best_threads = -1, best_block = 0, best_blocks = 0;
    for (int bs = limit / warp * warp; bs >= warp; bs -= warp) {
        size_t smem = blockSizeToDynamicSMemSize ? blockSizeToDynamicSMemSize(bs) : dynamicSMemSize;
        int blocks = 0;
        if ((r = (CUresult)orion_occupancy(f, d, bs, smem, &blocks))) return r;
        if (blocks * bs > best_threads) {
            best_threads = blocks * bs;
            best_block = bs;
            best_blocks = blocks;
        }
    }
    *blockSize = best_block;
    *minGridSize = best_blocks * (sms > 0 ? sms : 1);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, CUfunction func,
                                                  CUoccupancyB2DSize blockSizeToDynamicSMemSize, size_t dynamicSMemSize,
                                                  int blockSizeLimit) {
    return cuOccupancyMaxPotentialBlockSizeWithFlags(minGridSize, blockSize, func, blockSizeToDynamicSMemSize, dynamicSMemSize,
                                                     blockSizeLimit, 0);
}
