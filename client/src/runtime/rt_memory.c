/* Memory: device and pinned host allocations, copies of every kind, memsets, symbols, pointers. */
#include <stdint.h>
#include <string.h>

#include "runtime/rt.h"

static int copy_kind(enum cudaMemcpyKind kind, int *out) {
    switch (kind) {
    case cudaMemcpyHostToHost: *out = ORION_H2H; return 1;
    case cudaMemcpyHostToDevice: *out = ORION_H2D; return 1;
    case cudaMemcpyDeviceToHost: *out = ORION_D2H; return 1;
    case cudaMemcpyDeviceToDevice: *out = ORION_D2D; return 1;
    case cudaMemcpyDefault: *out = ORION_DEFAULT; return 1;
    default: return 0;
    }
}

RT_API cudaError_t cudaMalloc(void **devPtr, size_t size) {
    if (!devPtr) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    if (size == 0) { /* CUDA answers a null pointer, and success */
        *devPtr = NULL;
        return cudaSuccess;
    }
    uint64_t p;
    int rc = orion_malloc(rt_device(), size, &p);
    if (rc) return rt_status(rc);
    *devPtr = (void *)(uintptr_t)p;
    return cudaSuccess;
}

RT_API cudaError_t cudaFree(void *devPtr) {
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_free((uint64_t)(uintptr_t)devPtr));
}

RT_API cudaError_t cudaMallocPitch(void **devPtr, size_t *pitch, size_t width, size_t height) {
    if (!devPtr || !pitch) return rt_error(cudaErrorInvalidValue);
    int align = 0;
    cudaError_t e = rt_init();
    if (e) return e;
    orion_device_attribute(rt_device(), 51 /* CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT */, &align);
    if (align < 256) align = 256; /* rows start on a boundary coalesced accesses like */
    /* a width or height no memory could hold must not wrap around into a small allocation */
    if (width > SIZE_MAX - (size_t)align) return rt_error(cudaErrorMemoryAllocation);
    size_t p = (width + (size_t)align - 1) / (size_t)align * (size_t)align;
    if (height && p > SIZE_MAX / height) return rt_error(cudaErrorMemoryAllocation);
    if (width == 0 || height == 0) {
        *devPtr = NULL;
        *pitch = p;
        return cudaSuccess;
    }
    e = cudaMalloc(devPtr, p * height);
    if (e == cudaSuccess) *pitch = p;
    return e;
}

RT_API cudaError_t cudaMallocHost(void **ptr, size_t size) {
    if (!ptr) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_host_alloc(rt_device(), size, 0, ptr));
}

RT_API cudaError_t cudaHostAlloc(void **pHost, size_t size, unsigned int flags) {
    if (!pHost || (flags & ~0xFu)) return rt_error(cudaErrorInvalidValue);
    if (flags & cudaHostAllocMapped) /* a remote GPU cannot map this process's memory */
        return rt_error((cudaError_t)orion_unsupported("cudaHostAlloc with cudaHostAllocMapped"));
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_host_alloc(rt_device(), size, flags, pHost));
}

RT_API cudaError_t cudaFreeHost(void *ptr) {
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_host_free(ptr));
}

RT_API cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags) {
    if (flags & cudaHostRegisterMapped) return rt_error((cudaError_t)orion_unsupported("cudaHostRegister with cudaHostRegisterMapped"));
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_host_register(ptr, size, flags));
}

RT_API cudaError_t cudaHostUnregister(void *ptr) {
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_host_unregister(ptr));
}

RT_API cudaError_t cudaHostGetFlags(unsigned int *pFlags, void *pHost) {
    if (!pFlags) return rt_error(cudaErrorInvalidValue);
    unsigned f;
    if (!orion_host_lookup(pHost, NULL, NULL, &f)) return rt_error(cudaErrorInvalidValue);
    *pFlags = f;
    return cudaSuccess;
}

/* ---- copies ------------------------------------------------------------------------------------ */

static cudaError_t copy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream, int async) {
    int k;
    if (!copy_kind(kind, &k)) return rt_error(cudaErrorInvalidMemcpyDirection);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_memcpy(dst, src, count, k, s, async));
}

RT_API cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) {
    return copy(dst, src, count, kind, 0, 0);
}

RT_API cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream) {
    return copy(dst, src, count, kind, stream, 1);
}

RT_API cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                                enum cudaMemcpyKind kind) {
    int k;
    if (!copy_kind(kind, &k)) return rt_error(cudaErrorInvalidMemcpyDirection);
    if (width > dpitch || width > spitch) return rt_error(cudaErrorInvalidPitchValue);
    cudaError_t e = rt_init();
    if (e) return e;
    return rt_status(orion_memcpy_2d(dst, dpitch, src, spitch, width, height, k, NULL, 0));
}

RT_API cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                                     enum cudaMemcpyKind kind, cudaStream_t stream) {
    int k;
    if (!copy_kind(kind, &k)) return rt_error(cudaErrorInvalidMemcpyDirection);
    if (width > dpitch || width > spitch) return rt_error(cudaErrorInvalidPitchValue);
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_memcpy_2d(dst, dpitch, src, spitch, width, height, k, s, 1));
}

RT_API cudaError_t cudaMemcpyPeer(void *dst, int dstDevice, const void *src, int srcDevice, size_t count) {
    cudaError_t e = rt_init();
    if (e) return e;
    int n = orion_device_count();
    if (dstDevice < 0 || dstDevice >= n || srcDevice < 0 || srcDevice >= n) return rt_error(cudaErrorInvalidDevice);
    return rt_status(orion_memcpy_peer((uint64_t)(uintptr_t)dst, dstDevice, (uint64_t)(uintptr_t)src, srcDevice, count, NULL, 0));
}

RT_API cudaError_t cudaMemcpyPeerAsync(void *dst, int dstDevice, const void *src, int srcDevice, size_t count, cudaStream_t stream) {
    cudaError_t e = rt_init();
    if (e) return e;
    int n = orion_device_count();
    if (dstDevice < 0 || dstDevice >= n || srcDevice < 0 || srcDevice >= n) return rt_error(cudaErrorInvalidDevice);
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    return rt_status(orion_memcpy_peer((uint64_t)(uintptr_t)dst, dstDevice, (uint64_t)(uintptr_t)src, srcDevice, count, s, 1));
}

/* ---- memset ------------------------------------------------------------------------------------ */

static cudaError_t set(void *devPtr, int value, size_t count, cudaStream_t stream, int async) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    unsigned char v = (unsigned char)value;
    return rt_status(orion_memset((uint64_t)(uintptr_t)devPtr, &v, 1, count, s, async));
}

RT_API cudaError_t cudaMemset(void *devPtr, int value, size_t count) { return set(devPtr, value, count, 0, 0); }

RT_API cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream) {
    return set(devPtr, value, count, stream, 1);
}

static cudaError_t set2d(void *devPtr, size_t pitch, int value, size_t width, size_t height, cudaStream_t stream, int async) {
    cudaError_t e = rt_init();
    if (e) return e;
    if (height > 1 && width > pitch) return rt_error(cudaErrorInvalidPitchValue);
    orion_stream *s;
    if ((e = rt_stream(stream, &s))) return e;
    unsigned char v = (unsigned char)value;
    return rt_status(orion_memset_2d((uint64_t)(uintptr_t)devPtr, pitch, &v, 1, width, height, s, async));
}

RT_API cudaError_t cudaMemset2D(void *devPtr, size_t pitch, int value, size_t width, size_t height) {
    return set2d(devPtr, pitch, value, width, height, 0, 0);
}

RT_API cudaError_t cudaMemset2DAsync(void *devPtr, size_t pitch, int value, size_t width, size_t height, cudaStream_t stream) {
    return set2d(devPtr, pitch, value, width, height, stream, 1);
}

/* ---- symbols ------------------------------------------------------------------------------------ */

/* The device address of a registered variable on the current device. */
static cudaError_t symbol_address(const void *symbol, uint64_t *address, size_t *size) {
    cudaError_t e = rt_init();
    if (e) return e;
    orion_module *m;
    const char *name;
    size_t declared;
    if (!rt_variable(symbol, &m, &name, &declared)) return rt_error(cudaErrorInvalidSymbol);
    int rc = orion_module_global(m, name, rt_device(), address, size);
    return rc ? rt_status(rc) : cudaSuccess;
}

static cudaError_t symbol_copy(void *host, const void *symbol, size_t count, size_t offset, enum cudaMemcpyKind kind,
                               cudaStream_t stream, int async, int to_symbol) {
    uint64_t a;
    size_t size;
    cudaError_t e = symbol_address(symbol, &a, &size);
    if (e) return e;
    if (offset > size || count > size - offset) return rt_error(cudaErrorInvalidValue);
    enum cudaMemcpyKind want = to_symbol ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;
    if (kind != want && kind != cudaMemcpyDeviceToDevice && kind != cudaMemcpyDefault)
        return rt_error(cudaErrorInvalidMemcpyDirection);
    void *dev = (void *)(uintptr_t)(a + offset);
    return to_symbol ? copy(dev, host, count, kind, stream, async) : copy(host, dev, count, kind, stream, async);
}

RT_API cudaError_t cudaMemcpyToSymbol(const void *symbol, const void *src, size_t count, size_t offset, enum cudaMemcpyKind kind) {
    return symbol_copy((void *)src, symbol, count, offset, kind, 0, 0, 1);
}

RT_API cudaError_t cudaMemcpyFromSymbol(void *dst, const void *symbol, size_t count, size_t offset, enum cudaMemcpyKind kind) {
    return symbol_copy(dst, symbol, count, offset, kind, 0, 0, 0);
}

RT_API cudaError_t cudaMemcpyToSymbolAsync(const void *symbol, const void *src, size_t count, size_t offset,
                                           enum cudaMemcpyKind kind, cudaStream_t stream) {
    return symbol_copy((void *)src, symbol, count, offset, kind, stream, 1, 1);
}

RT_API cudaError_t cudaMemcpyFromSymbolAsync(void *dst, const void *symbol, size_t count, size_t offset,
                                             enum cudaMemcpyKind kind, cudaStream_t stream) {
    return symbol_copy(dst, symbol, count, offset, kind, stream, 1, 0);
}

RT_API cudaError_t cudaGetSymbolAddress(void **devPtr, const void *symbol) {
    if (!devPtr) return rt_error(cudaErrorInvalidValue);
    uint64_t a;
    size_t size;
    cudaError_t e = symbol_address(symbol, &a, &size);
    if (!e) *devPtr = (void *)(uintptr_t)a;
    return e;
}

RT_API cudaError_t cudaGetSymbolSize(size_t *size, const void *symbol) {
    if (!size) return rt_error(cudaErrorInvalidValue);
    uint64_t a;
    return symbol_address(symbol, &a, size);
}

/* ---- pointers ----------------------------------------------------------------------------------- */

RT_API cudaError_t cudaPointerGetAttributes(struct cudaPointerAttributes *attributes, const void *ptr) {
    if (!attributes) return rt_error(cudaErrorInvalidValue);
    cudaError_t e = rt_init();
    if (e) return e;
    memset(attributes, 0, sizeof *attributes);
    int dev;
    void *base;
    if (orion_device_pointer((uint64_t)(uintptr_t)ptr, rt_device(), &dev, NULL, NULL)) {
        attributes->type = cudaMemoryTypeDevice;
        attributes->device = dev;
        attributes->devicePointer = (void *)ptr;
    } else if (orion_host_lookup(ptr, &base, NULL, NULL)) {
        attributes->type = cudaMemoryTypeHost;
        attributes->device = rt_device();
        attributes->hostPointer = (void *)ptr;
    } else {
        attributes->type = cudaMemoryTypeUnregistered;
        attributes->device = -2;
    }
    return cudaSuccess;
}
