/* Memory: device and pinned host allocations, copies, memsets, pointer queries. */
#include <string.h>

#include "driver/drv.h"

static void *P(CUdeviceptr d) { return (void *)(uintptr_t)d; }

DRV_API CUresult cuMemAlloc(CUdeviceptr *dptr, size_t bytesize) {
    if (!dptr || bytesize == 0) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    if (r) return r;
    uint64_t p;
    int rc = orion_malloc(d, bytesize, &p);
    if (!rc) *dptr = (CUdeviceptr)p;
    return (CUresult)rc;
}

DRV_API CUresult cuMemAllocPitch(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height,
                                 unsigned int ElementSizeBytes) {
    if (!dptr || !pPitch || WidthInBytes == 0 || Height == 0) return CUDA_ERROR_INVALID_VALUE;
    if (ElementSizeBytes != 4 && ElementSizeBytes != 8 && ElementSizeBytes != 16) return CUDA_ERROR_INVALID_VALUE;
    /* a width or height no memory could hold must not wrap around into a small allocation */
    if (WidthInBytes > SIZE_MAX - 511) return CUDA_ERROR_OUT_OF_MEMORY;
    size_t pitch = (WidthInBytes + 511) / 512 * 512; /* rows start where coalesced accesses want them */
    if (pitch > SIZE_MAX / Height) return CUDA_ERROR_OUT_OF_MEMORY;
    CUresult r = cuMemAlloc(dptr, pitch * Height);
    if (!r) *pPitch = pitch;
    return r;
}

DRV_API CUresult cuMemFree(CUdeviceptr dptr) {
    CUresult r = drv_ready();
    return r ? r : (CUresult)orion_free(dptr);
}

DRV_API CUresult cuMemGetInfo(size_t *free_bytes, size_t *total) {
    if (!free_bytes || !total) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    return r ? r : (CUresult)orion_mem_info(d, free_bytes, total);
}

DRV_API CUresult cuMemGetAddressRange(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr) {
    CUresult r = drv_ready();
    if (r) return r;
    uint64_t base;
    size_t size;
    if (!orion_device_pointer(dptr, orion_current_device(), NULL, &base, &size)) return CUDA_ERROR_NOT_FOUND;
    if (pbase) *pbase = (CUdeviceptr)base;
    if (psize) *psize = size;
    return CUDA_SUCCESS;
}

DRV_API CUresult cuMemAllocHost(void **pp, size_t bytesize) {
    if (!pp) return CUDA_ERROR_INVALID_VALUE;
    int d;
    CUresult r = drv_device(&d);
    return r ? r : (CUresult)orion_host_alloc(d, bytesize, 0, pp);
}

DRV_API CUresult cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags) {
    if (!pp || (Flags & ~0x7u)) return CUDA_ERROR_INVALID_VALUE;
    if (Flags & CU_MEMHOSTALLOC_DEVICEMAP) return (CUresult)orion_unsupported("cuMemHostAlloc with CU_MEMHOSTALLOC_DEVICEMAP");
    int d;
    CUresult r = drv_device(&d);
    return r ? r : (CUresult)orion_host_alloc(d, bytesize, Flags, pp);
}

DRV_API CUresult cuMemFreeHost(void *p) {
    CUresult r = drv_ready();
    return r ? r : (CUresult)orion_host_free(p);
}

DRV_API CUresult cuMemHostRegister(void *p, size_t bytesize, unsigned int Flags) {
    if (Flags & CU_MEMHOSTREGISTER_DEVICEMAP) return (CUresult)orion_unsupported("cuMemHostRegister with CU_MEMHOSTREGISTER_DEVICEMAP");
    CUresult r = drv_ready();
    return r ? r : (CUresult)orion_host_register(p, bytesize, Flags);
}

DRV_API CUresult cuMemHostUnregister(void *p) {
    CUresult r = drv_ready();
    return r ? r : (CUresult)orion_host_unregister(p);
}

DRV_API CUresult cuMemHostGetFlags(unsigned int *pFlags, void *p) {
    if (!pFlags) return CUDA_ERROR_INVALID_VALUE;
    unsigned f;
    if (!orion_host_lookup(p, NULL, NULL, &f)) return CUDA_ERROR_INVALID_VALUE;
    *pFlags = f;
    return CUDA_SUCCESS;
}

/* ---- copies ----------------------------------------------------------------------------------- */

static CUresult copy(void *dst, const void *src, size_t n, int kind, CUstream h, int async) {
    CUresult r = drv_ready();
    if (r) return r;
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_memcpy(dst, src, n, kind, s, async);
}

DRV_API CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t n) { return copy(P(dst), P(src), n, ORION_DEFAULT, 0, 0); }
DRV_API CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy(P(dst), P(src), n, ORION_DEFAULT, h, 1);
}
DRV_API CUresult cuMemcpyHtoD(CUdeviceptr dst, const void *src, size_t n) { return copy(P(dst), src, n, ORION_H2D, 0, 0); }
DRV_API CUresult cuMemcpyDtoH(void *dst, CUdeviceptr src, size_t n) { return copy(dst, P(src), n, ORION_D2H, 0, 0); }
DRV_API CUresult cuMemcpyDtoD(CUdeviceptr dst, CUdeviceptr src, size_t n) { return copy(P(dst), P(src), n, ORION_D2D, 0, 0); }
DRV_API CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void *src, size_t n, CUstream h) {
    return copy(P(dst), src, n, ORION_H2D, h, 1);
}
DRV_API CUresult cuMemcpyDtoHAsync(void *dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy(dst, P(src), n, ORION_D2H, h, 1);
}
DRV_API CUresult cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy(P(dst), P(src), n, ORION_D2D, h, 1);
}

static CUresult peer(CUdeviceptr dst, CUcontext dctx, CUdeviceptr src, CUcontext sctx, size_t n, CUstream h, int async) {
    CUresult r = drv_ready();
    if (r) return r;
    if (!orion_ctx_valid((orion_ctx *)dctx) || !orion_ctx_valid((orion_ctx *)sctx)) return CUDA_ERROR_INVALID_CONTEXT;
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_memcpy_peer(dst, orion_ctx_device((orion_ctx *)dctx), src, orion_ctx_device((orion_ctx *)sctx), n, s,
                                       async);
}

DRV_API CUresult cuMemcpyPeer(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice, CUcontext srcContext,
                              size_t ByteCount) {
    return peer(dstDevice, dstContext, srcDevice, srcContext, ByteCount, 0, 0);
}

DRV_API CUresult cuMemcpyPeerAsync(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice, CUcontext srcContext,
                                   size_t ByteCount, CUstream hStream) {
    return peer(dstDevice, dstContext, srcDevice, srcContext, ByteCount, hStream, 1);
}

/* One side of a 2D copy as a pointer; arrays are not supported. */
static CUresult side(CUmemorytype t, const void *host, CUdeviceptr dev, size_t x, size_t y, size_t pitch, void **out, int *is_dev) {
    switch (t) {
    case CU_MEMORYTYPE_HOST: *out = (char *)host + y * pitch + x; *is_dev = 0; return CUDA_SUCCESS;
    case CU_MEMORYTYPE_DEVICE: *out = P(dev + y * pitch + x); *is_dev = 1; return CUDA_SUCCESS;
    case CU_MEMORYTYPE_UNIFIED: *out = P(dev + y * pitch + x); *is_dev = -1; return CUDA_SUCCESS;
    case CU_MEMORYTYPE_ARRAY: return (CUresult)orion_unsupported("cuMemcpy2D with CUDA arrays");
    default: return CUDA_ERROR_INVALID_VALUE;
    }
}

static CUresult copy2d(const CUDA_MEMCPY2D *c, CUstream h, int async) {
    if (!c) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    if (r) return r;
    void *src = NULL, *dst = NULL;
    int sdev = 0, ddev = 0;
    if ((r = side(c->srcMemoryType, c->srcHost, c->srcDevice, c->srcXInBytes, c->srcY, c->srcPitch, &src, &sdev))) return r;
    if ((r = side(c->dstMemoryType, c->dstHost, c->dstDevice, c->dstXInBytes, c->dstY, c->dstPitch, &dst, &ddev))) return r;
    int kind = sdev < 0 || ddev < 0 ? ORION_DEFAULT : sdev ? (ddev ? ORION_D2D : ORION_D2H) : (ddev ? ORION_H2D : ORION_H2H);
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    size_t sp = c->srcPitch ? c->srcPitch : c->WidthInBytes, dp = c->dstPitch ? c->dstPitch : c->WidthInBytes;
    return (CUresult)orion_memcpy_2d(dst, dp, src, sp, c->WidthInBytes, c->Height, kind, s, async);
}

DRV_API CUresult cuMemcpy2D(const CUDA_MEMCPY2D *pCopy) { return copy2d(pCopy, 0, 0); }
DRV_API CUresult cuMemcpy2DUnaligned(const CUDA_MEMCPY2D *pCopy) { return copy2d(pCopy, 0, 0); }
DRV_API CUresult cuMemcpy2DAsync(const CUDA_MEMCPY2D *pCopy, CUstream hStream) { return copy2d(pCopy, hStream, 1); }

/* ---- memsets ------------------------------------------------------------------------------------ */

static CUresult set(CUdeviceptr d, const void *pattern, size_t elem, size_t n, CUstream h, int async) {
    CUresult r = drv_ready();
    if (r) return r;
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_memset(d, pattern, elem, n, s, async);
}

static CUresult set2d(CUdeviceptr d, size_t pitch, const void *pattern, size_t elem, size_t w, size_t hgt, CUstream h, int async) {
    CUresult r = drv_ready();
    if (r) return r;
    orion_stream *s;
    if (drv_stream(h, &s)) return CUDA_ERROR_INVALID_HANDLE;
    return (CUresult)orion_memset_2d(d, pitch, pattern, elem, w, hgt, s, async);
}

DRV_API CUresult cuMemsetD8(CUdeviceptr d, unsigned char uc, size_t N) { return set(d, &uc, 1, N, 0, 0); }
DRV_API CUresult cuMemsetD16(CUdeviceptr d, unsigned short us, size_t N) { return set(d, &us, 2, N, 0, 0); }
DRV_API CUresult cuMemsetD32(CUdeviceptr d, unsigned int ui, size_t N) { return set(d, &ui, 4, N, 0, 0); }
DRV_API CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char uc, size_t N, CUstream h) { return set(d, &uc, 1, N, h, 1); }
DRV_API CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short us, size_t N, CUstream h) { return set(d, &us, 2, N, h, 1); }
DRV_API CUresult cuMemsetD32Async(CUdeviceptr d, unsigned int ui, size_t N, CUstream h) { return set(d, &ui, 4, N, h, 1); }
DRV_API CUresult cuMemsetD2D8(CUdeviceptr d, size_t p, unsigned char uc, size_t w, size_t h) { return set2d(d, p, &uc, 1, w, h, 0, 0); }
DRV_API CUresult cuMemsetD2D16(CUdeviceptr d, size_t p, unsigned short us, size_t w, size_t h) { return set2d(d, p, &us, 2, w, h, 0, 0); }
DRV_API CUresult cuMemsetD2D32(CUdeviceptr d, size_t p, unsigned int ui, size_t w, size_t h) { return set2d(d, p, &ui, 4, w, h, 0, 0); }
DRV_API CUresult cuMemsetD2D8Async(CUdeviceptr d, size_t p, unsigned char uc, size_t w, size_t h, CUstream s) {
    return set2d(d, p, &uc, 1, w, h, s, 1);
}
DRV_API CUresult cuMemsetD2D16Async(CUdeviceptr d, size_t p, unsigned short us, size_t w, size_t h, CUstream s) {
    return set2d(d, p, &us, 2, w, h, s, 1);
}
DRV_API CUresult cuMemsetD2D32Async(CUdeviceptr d, size_t p, unsigned int ui, size_t w, size_t h, CUstream s) {
    return set2d(d, p, &ui, 4, w, h, s, 1);
}

/* ---- pointer attributes -------------------------------------------------------------------------- */

DRV_API CUresult cuPointerGetAttribute(void *data, CUpointer_attribute attribute, CUdeviceptr ptr) {
    if (!data) return CUDA_ERROR_INVALID_VALUE;
    CUresult r = drv_ready();
    if (r) return r;
    int dev;
    uint64_t base;
    size_t size;
    int is_dev = orion_device_pointer(ptr, orion_current_device(), &dev, &base, &size);
    void *hbase;
    size_t hsize;
    int is_host = !is_dev && orion_host_lookup(P(ptr), &hbase, &hsize, NULL);
    if (!is_dev && !is_host) return CUDA_ERROR_INVALID_VALUE;
    switch (attribute) {
    case CU_POINTER_ATTRIBUTE_MEMORY_TYPE: *(unsigned *)data = is_dev ? CU_MEMORYTYPE_DEVICE : CU_MEMORYTYPE_HOST; return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
        if (!is_dev) return CUDA_ERROR_INVALID_VALUE; /* host memory is not mapped into the GPU */
        *(CUdeviceptr *)data = ptr;
        return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_HOST_POINTER:
        if (!is_host) return CUDA_ERROR_INVALID_VALUE;
        *(void **)data = P(ptr);
        return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL: *(int *)data = is_dev ? dev : orion_current_device(); return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_CONTEXT:
        *(CUcontext *)data = (CUcontext)orion_ctx_primary(is_dev ? dev : orion_current_device());
        return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_IS_MANAGED: *(unsigned *)data = 0; return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR: *(CUdeviceptr *)data = is_dev ? base : (CUdeviceptr)(uintptr_t)hbase; return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_RANGE_SIZE: *(size_t *)data = is_dev ? size : hsize; return CUDA_SUCCESS;
    case CU_POINTER_ATTRIBUTE_MAPPED: *(unsigned *)data = is_dev; return CUDA_SUCCESS;
    default: return (CUresult)orion_unsupported("cuPointerGetAttribute (this attribute)");
    }
}
