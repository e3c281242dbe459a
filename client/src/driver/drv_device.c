/* Initialization, versions, devices, primary contexts and contexts. */
#include <stdio.h>
#include <string.h>

#include "driver/drv.h"

CUresult drv_ready(void) {
    if (!orion_init_done()) return CUDA_ERROR_NOT_INITIALIZED;
    int rc = orion_init();
    return rc ? (CUresult)rc : CUDA_SUCCESS;
}

CUresult drv_device(int *dev) {
    CUresult r = drv_ready();
    if (r) return r;
    int d = orion_current_device();
    if (d < 0) return CUDA_ERROR_INVALID_CONTEXT;
    *dev = d;
    return CUDA_SUCCESS;
}

CUresult drv_check_device(CUdevice dev) {
    CUresult r = drv_ready();
    if (r) return r;
    return dev < 0 || dev >= orion_device_count() ? CUDA_ERROR_INVALID_DEVICE : CUDA_SUCCESS;
}

CUresult drv_stream(CUstream h, orion_stream **out) { return (CUresult)orion_stream_lookup(h, out); }

DRV_API CUresult cuInit(unsigned int flags) {
    if (flags) return CUDA_ERROR_INVALID_VALUE;
    return (CUresult)orion_init();
}

DRV_API CUresult cuDriverGetVersion(int *driverVersion) {
    if (!driverVersion) return CUDA_ERROR_INVALID_VALUE;
    *driverVersion = CUDA_VERSION;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuDeviceGetCount(int *count) {
    if (!count) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    *count = r ? 0 : orion_device_count();
    return r;
}

DRV_API CUresult cuDeviceGet(CUdevice *device, int ordinal) {
    if (!device) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(ordinal);
    if (!r) *device = ordinal;
    return r;
}

DRV_API CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
    if (!name || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (!r) snprintf(name, (size_t)len, "%s", orion_device_info(dev)->name);
    return r;
}

static void uuid_bytes(const char *text, char out[16]) {
    memset(out, 0, 16);
    const char *p = !strncmp(text, "GPU-", 4) ? text + 4 : text;
    int n = 0;
    for (; *p && n < 32; p++) {
        int v;
        if (*p == '-') continue;
        if (*p >= '0' && *p <= '9') v = *p - '0';
        else if (*p >= 'a' && *p <= 'f') v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F') v = *p - 'A' + 10;
        else break;
        out[n / 2] = (char)(out[n / 2] << 4 | v);
        n++;
    }
    if (n != 32) memset(out, 0, 16);
}

DRV_API CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev) {
    if (!uuid) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (!r) uuid_bytes(orion_device_info(dev)->gpu_uuid, uuid->bytes);
    return r;
}

/* CUDA 12 binaries may call the first version of the name; the layout is the same. */
DRV_API CUresult drv_device_get_uuid_v1(CUuuid *uuid, CUdevice dev) __asm__("cuDeviceGetUuid");
DRV_API CUresult drv_device_get_uuid_v1(CUuuid *uuid, CUdevice dev) { return cuDeviceGetUuid(uuid, dev); }

DRV_API CUresult cuDeviceTotalMem(size_t *bytes, CUdevice dev) {
    if (!bytes) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (!r) *bytes = (size_t)orion_device_info(dev)->memory_bytes; /* the vGPU's quota */
    return r;
}

DRV_API CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev) {
    if (!pi) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (r) return r;
    if ((int)attrib < 1 || attrib >= CU_DEVICE_ATTRIBUTE_MAX) return CUDA_ERROR_INVALID_VALUE;
    return (CUresult)orion_device_attribute(dev, (int)attrib, pi);
}

DRV_API CUresult cuDeviceComputeCapability(int *major, int *minor, CUdevice dev) {
    if (!major || !minor) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (r) return r;
    *major = orion_device_info(dev)->cc_major;
    *minor = orion_device_info(dev)->cc_minor;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev) {
    if (!pciBusId || len <= 0) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (!r) {
        const char *id = orion_device_info(dev)->pci_bus_id;
        snprintf(pciBusId, (size_t)len, "%s", id[0] ? id : "0000:00:00.0");
    }
    return r;
}

DRV_API CUresult cuDeviceCanAccessPeer(int *canAccessPeer, CUdevice dev, CUdevice peerDev) {
    if (!canAccessPeer) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (!r) r = drv_check_device(peerDev);
    if (!r) *canAccessPeer = 0; /* vGPUs may sit on different servers: copies work, direct access does not */
    return r;
}

/* ---- primary contexts --------------------------------------------------------------------------- */

static int primary_retained[ORION_MAX_DEVICES];
static unsigned primary_flags[ORION_MAX_DEVICES];

DRV_API CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev) {
    if (!pctx) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (r) return r;
    orion_ctx *c = orion_ctx_primary(dev);
    if (!c) return CUDA_ERROR_OUT_OF_MEMORY;
    __atomic_add_fetch(&primary_retained[dev], 1, __ATOMIC_SEQ_CST);
    *pctx = (CUcontext)c;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuDevicePrimaryCtxRelease(CUdevice dev) {
    CUresult r = drv_check_device(dev);
    if (r) return r;
    if (__atomic_load_n(&primary_retained[dev], __ATOMIC_SEQ_CST) <= 0) return CUDA_ERROR_INVALID_CONTEXT;
    __atomic_sub_fetch(&primary_retained[dev], 1, __ATOMIC_SEQ_CST);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuDevicePrimaryCtxReset(CUdevice dev) {
    CUresult r = drv_check_device(dev);
    return r ? r : (CUresult)orion_device_sync(dev);
}

DRV_API CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active) {
    if (!flags || !active) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_check_device(dev);
    if (r) return r;
    *flags = primary_flags[dev];
    *active = __atomic_load_n(&primary_retained[dev], __ATOMIC_SEQ_CST) > 0;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags) {
    CUresult r = drv_check_device(dev);
    if (!r) primary_flags[dev] = flags;
    return r;
}

/* The first versions take the same arguments; CUDA 12 binaries may call them. */
DRV_API CUresult drv_pctx_release_v1(CUdevice dev) __asm__("cuDevicePrimaryCtxRelease");
DRV_API CUresult drv_pctx_release_v1(CUdevice dev) { return cuDevicePrimaryCtxRelease(dev); }
DRV_API CUresult drv_pctx_reset_v1(CUdevice dev) __asm__("cuDevicePrimaryCtxReset");
DRV_API CUresult drv_pctx_reset_v1(CUdevice dev) { return cuDevicePrimaryCtxReset(dev); }
DRV_API CUresult drv_pctx_flags_v1(CUdevice dev, unsigned int flags) __asm__("cuDevicePrimaryCtxSetFlags");
DRV_API CUresult drv_pctx_flags_v1(CUdevice dev, unsigned int flags) { return cuDevicePrimaryCtxSetFlags(dev, flags); }

/* ---- contexts ---------------------------------------------------------------------------------- */

DRV_API CUresult cuCtxCreate(CUcontext *pctx, CUctxCreateParams *params, unsigned int flags, CUdevice dev) {
    if (!pctx) return CUDA_ERROR_INVALID_VALUE;
    if (params && (params->numExecAffinityParams || params->cigParams))
        return (CUresult)orion_unsupported("cuCtxCreate with execution affinity or CIG parameters");
    CUresult r = drv_check_device(dev);
    if (r) return r;
    orion_ctx *c;
    int rc = orion_ctx_create(dev, flags, &c);
    if (rc) return (CUresult)rc;
    *pctx = (CUcontext)c;
    return CUDA_SUCCESS;
}

/* CUDA 12's cuCtxCreate (cuCtxCreate_v2): no parameter block. */
DRV_API CUresult drv_ctx_create_v2(CUcontext *pctx, unsigned int flags, CUdevice dev) __asm__("cuCtxCreate_v2");
DRV_API CUresult drv_ctx_create_v2(CUcontext *pctx, unsigned int flags, CUdevice dev) { return cuCtxCreate(pctx, NULL, flags, dev); }

DRV_API CUresult cuCtxDestroy(CUcontext ctx) {
    CUresult r = drv_ready();
    if (r) return r;
    return (CUresult)orion_ctx_destroy((orion_ctx *)ctx);
}

DRV_API CUresult cuCtxPushCurrent(CUcontext ctx) {
    CUresult r = drv_ready();
    if (r) return r;
    if (!orion_ctx_valid((orion_ctx *)ctx)) return CUDA_ERROR_INVALID_CONTEXT;
    return (CUresult)orion_ctx_push((orion_ctx *)ctx);
}

DRV_API CUresult cuCtxPopCurrent(CUcontext *pctx) {
    CUresult r = drv_ready();
    if (r) return r;
    orion_ctx *c;
    int rc = orion_ctx_pop(&c);
    if (rc) return (CUresult)rc;
    if (pctx) *pctx = (CUcontext)c;
    return CUDA_SUCCESS;
}

DRV_API CUresult drv_ctx_destroy_v1(CUcontext ctx) __asm__("cuCtxDestroy");
DRV_API CUresult drv_ctx_destroy_v1(CUcontext ctx) { return cuCtxDestroy(ctx); }
DRV_API CUresult drv_ctx_push_v1(CUcontext ctx) __asm__("cuCtxPushCurrent");
DRV_API CUresult drv_ctx_push_v1(CUcontext ctx) { return cuCtxPushCurrent(ctx); }
DRV_API CUresult drv_ctx_pop_v1(CUcontext *pctx) __asm__("cuCtxPopCurrent");
DRV_API CUresult drv_ctx_pop_v1(CUcontext *pctx) { return cuCtxPopCurrent(pctx); }

DRV_API CUresult cuCtxSetCurrent(CUcontext ctx) {
    CUresult r = drv_ready();
    if (r) return r;
    if (ctx && !orion_ctx_valid((orion_ctx *)ctx)) return CUDA_ERROR_INVALID_CONTEXT;
    orion_ctx_set_current((orion_ctx *)ctx);
    return CUDA_SUCCESS;
}

DRV_API CUresult cuCtxGetCurrent(CUcontext *pctx) {
    if (!pctx) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    if (r) return r;
    *pctx = (CUcontext)orion_ctx_current();
    return CUDA_SUCCESS;
}

DRV_API CUresult cuCtxGetDevice(CUdevice *device) {
    if (!device) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (!r) *device = d;
    return r;
}

DRV_API CUresult cuCtxSynchronize(void) {
    int d;
    CUresult r = drv_device(&d);
    return r ? r : (CUresult)orion_device_sync(d);
}

DRV_API CUresult cuCtxGetFlags(unsigned int *flags) {
    if (!flags) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (!r) *flags = orion_ctx_flags(orion_ctx_current());
    return r;
}

DRV_API CUresult cuCtxSetFlags(unsigned int flags) {
    int d;
    CUresult r = drv_device(&d);
    if (!r) orion_ctx_set_flags(orion_ctx_current(), flags);
    return r;
}

DRV_API CUresult cuCtxGetStreamPriorityRange(int *leastPriority, int *greatestPriority) {
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    int supported = 0;
    orion_device_attribute(d, CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED, &supported);
    if (leastPriority) *leastPriority = 0;
    if (greatestPriority) *greatestPriority = supported ? -5 : 0;
    return CUDA_SUCCESS;
}

/* A preference CUDA may ignore as well. */
DRV_API CUresult cuCtxSetCacheConfig(CUfunc_cache config) {
    int d;
    return drv_device(&d);
}

DRV_API CUresult cuCtxGetCacheConfig(CUfunc_cache *pconfig) {
    if (!pconfig) return CUDA_ERROR_INVALID_VALUE;
    *pconfig = CU_FUNC_CACHE_PREFER_NONE;
    int d;
    return drv_device(&d);
}
