/*
 * A fake libcuda.so.1 for the cuda backend's tests on machines without a GPU. It is compiled
 * against the real CUDA 13 cuda.h, so every function here has exactly the prototype (and symbol,
 * after the header's _v2 aliases) the real driver exports; the compiler refuses any mismatch.
 *
 * "Device memory" is host memory from malloc. Each context keeps its own list of allocations and
 * refuses pointers outside them, like separate GPU address spaces, so a backend that forgets to
 * make the right context current fails here. Kernels are the ones of gpu/kernels.cu, run on the
 * CPU block by block; work on streams runs at once, while a stream's "busy until" time emulates
 * orion_spin so that queries, events and timing behave. A kernel touching memory outside its
 * context leaves CUDA_ERROR_ILLEGAL_ADDRESS sticky for the whole process, as the H200 with driver
 * 580 does (and cuda.h documents): every context fails from then on, and no new one is made, until
 * a test clears it (fakecuda_clear_fault). A failed device-side assert (orion_assert) does the
 * same with CUDA_ERROR_ASSERT, as the H200 with driver 580 was measured to do (cuda.h says it
 * ends its own context only).
 *
 * Test hooks (fakecuda_*) let tests inject results and read counters. This is a test double for the
 * FFM plumbing and the backend's logic; the real proof is the GPU run (gpu/run.sh).
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))
#define DEVICES 2
#define DEVICE_MEMORY (16ull << 30) /* address space only: malloc commits pages when touched */
#define MAX_SHARED 49152u

/* ---- state -------------------------------------------------------------------------------- */

enum kind { DEVICE_MEM, GLOBAL_MEM, HOST_ALLOCATED, HOST_REGISTERED };

struct range {
    uintptr_t base;
    size_t size;
    enum kind kind;
    struct range *next;
};

struct CUctx_st {
    int device;
    int alive;
    CUresult sticky;        /* a fault poisons the context for good (and process_fault the rest) */
    double busy_until;      /* legacy default stream */
    struct range *ranges;
};

struct CUstream_st { CUcontext ctx; int alive; unsigned flags; int priority; double busy_until; };
struct CUevent_st { CUcontext ctx; int alive; unsigned flags; int recorded; double at; };

struct kernel;
struct CUmod_st { CUcontext ctx; int alive; const char *image; size_t size; uintptr_t counter, table; };
struct CUfunc_st { CUmodule mod; const struct kernel *k; int loaded; };

struct launch {
    CUcontext ctx;
    unsigned grid[3], block[3], shared;
    unsigned char args[64];
    const struct kernel *k;
    CUstream stream;
    CUmodule mod;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int initialised;
static CUresult init_result = CUDA_SUCCESS;
static size_t used_memory[DEVICES];
static char fail_fn[64];
static CUresult fail_rc;
static CUresult process_fault;   /* a process-fatal kernel fault: every context fails with it */
static __thread CUcontext ctx_stack[16];
static __thread int ctx_depth;

/* ---- counters and hooks for the tests ------------------------------------------------------- */

static const char *counter_names[] = {
    "cuCtxSetCurrent", "cuCtxGetCurrent", "cuLaunchKernel", "async_from_pageable", "async_to_pageable",
    "cuMemcpyHtoD", "cuMemcpyHtoDAsync", "cuMemcpyDtoH", "cuMemcpyDtoHAsync", "cuCtxCreate", "cuCtxDestroy", NULL
};
static long counters[16];

static void count(const char *name) {
    for (int i = 0; counter_names[i]; i++)
        if (strcmp(counter_names[i], name) == 0) { __atomic_add_fetch(&counters[i], 1, __ATOMIC_RELAXED); return; }
}

EXPORT long fakecuda_count(const char *name) {
    for (int i = 0; counter_names[i]; i++)
        if (strcmp(counter_names[i], name) == 0) return __atomic_load_n(&counters[i], __ATOMIC_RELAXED);
    return -1;
}

EXPORT void fakecuda_set_init_result(int rc) { pthread_mutex_lock(&lock); init_result = (CUresult) rc; pthread_mutex_unlock(&lock); }

/* The next call of function `fn` (by its exported name) returns rc without doing anything. */
EXPORT void fakecuda_fail_next(const char *fn, int rc) {
    pthread_mutex_lock(&lock);
    snprintf(fail_fn, sizeof fail_fn, "%s", fn);
    fail_rc = (CUresult) rc;
    pthread_mutex_unlock(&lock);
}

EXPORT unsigned long long fakecuda_used_memory(int device) { return device >= 0 && device < DEVICES ? used_memory[device] : 0; }

static int live_contexts;
EXPORT int fakecuda_live_contexts(void) { return live_contexts; }

/* Ends a process-fatal fault, which a real process never sees: other tests in the JVM go on. */
EXPORT void fakecuda_clear_fault(void) { pthread_mutex_lock(&lock); process_fault = CUDA_SUCCESS; pthread_mutex_unlock(&lock); }

/* called with the lock held */
static int injected(const char *fn, CUresult *rc) {
    if (fail_fn[0] && strcmp(fail_fn, fn) == 0) {
        fail_fn[0] = 0;
        *rc = fail_rc;
        return 1;
    }
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void sleep_until(double t) {
    double d;
    while ((d = t - now()) > 0) {
        struct timespec ts = { (time_t) d, (long) ((d - (time_t) d) * 1e9) };
        nanosleep(&ts, NULL);
    }
}

static double maxd(double a, double b) { return a > b ? a : b; }

#define ENTER(fn)                                                              \
    pthread_mutex_lock(&lock);                                                 \
    if (!initialised) LEAVE(CUDA_ERROR_NOT_INITIALIZED);                      \
    { CUresult injected_; if (injected(fn, &injected_)) LEAVE(injected_); }
#define LEAVE(rc) do { CUresult r__ = (rc); pthread_mutex_unlock(&lock); return r__; } while (0)

/* The current context, or an error: none, destroyed, or faulted earlier. */
static CUresult current(CUcontext *out) {
    CUcontext c = ctx_depth ? ctx_stack[ctx_depth - 1] : NULL;
    if (!c) return CUDA_ERROR_INVALID_CONTEXT;
    if (!c->alive) return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    if (process_fault) return process_fault;
    if (c->sticky) return c->sticky;
    *out = c;
    return CUDA_SUCCESS;
}

#define CURRENT(c) CUcontext c; { CUresult r_ = current(&c); if (r_) LEAVE(r_); }

static struct range *find(CUcontext c, uintptr_t p, size_t n, int device_side) {
    for (struct range *r = c->ranges; r; r = r->next) {
        int dev = r->kind == DEVICE_MEM || r->kind == GLOBAL_MEM;
        if (dev == device_side && p >= r->base && n <= r->size && p - r->base <= r->size - n) return r;
    }
    return NULL;
}

static int pinned(CUcontext c, const void *p, size_t n) { return find(c, (uintptr_t) p, n, 0) != NULL; }

static struct range *add_range(CUcontext c, uintptr_t base, size_t size, enum kind kind) {
    struct range *r = calloc(1, sizeof *r);
    r->base = base; r->size = size; r->kind = kind; r->next = c->ranges;
    c->ranges = r;
    return r;
}

static int remove_range(CUcontext c, uintptr_t base, enum kind kind, size_t *size) {
    for (struct range **pp = &c->ranges; *pp; pp = &(*pp)->next) {
        if ((*pp)->base == base && (*pp)->kind == kind) {
            struct range *r = *pp;
            *pp = r->next;
            if (size) *size = r->size;
            free(r);
            return 1;
        }
    }
    return 0;
}

/* Stream of the current context: NULL means the legacy default stream. */
static CUresult stream_of(CUcontext c, CUstream s) {
    if (!s) return CUDA_SUCCESS;
    if (!s->alive) return CUDA_ERROR_INVALID_HANDLE;
    if (s->ctx != c) return CUDA_ERROR_INVALID_HANDLE;
    return CUDA_SUCCESS;
}

static double *busy(CUcontext c, CUstream s) { return s ? &s->busy_until : &c->busy_until; }

static double legacy_busy(CUcontext c);

/* When work queued now on s can start: after s's work, and for the legacy stream and blocking
 * streams also after each other's (non-blocking streams do not wait for the legacy stream). */
static double stream_busy(CUcontext c, CUstream s) {
    if (!s) return legacy_busy(c);
    return s->flags == CU_STREAM_NON_BLOCKING ? s->busy_until : maxd(s->busy_until, c->busy_until);
}

/* ---- init, version, errors ------------------------------------------------------------------ */

CUresult CUDAAPI cuInit(unsigned int flags) {
    pthread_mutex_lock(&lock);
    CUresult rc = flags != 0 ? CUDA_ERROR_INVALID_VALUE : init_result;
    if (rc == CUDA_SUCCESS) initialised = 1;
    pthread_mutex_unlock(&lock);
    return rc;
}

CUresult CUDAAPI cuDriverGetVersion(int *v) {
    if (!v) return CUDA_ERROR_INVALID_VALUE;
    *v = 13000;
    return CUDA_SUCCESS;
}

static const struct { CUresult code; const char *name, *text; } errors[] = {
    { CUDA_SUCCESS, "CUDA_SUCCESS", "no error" },
    { CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument" },
    { CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory" },
    { CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED", "initialization error" },
    { CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected" },
    { CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal" },
    { CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid" },
    { CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context" },
    { CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed" },
    { CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle" },
    { CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found" },
    { CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY", "device not ready" },
    { CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered" },
    { CUDA_ERROR_ASSERT, "CUDA_ERROR_ASSERT", "device-side assert triggered" },
    { CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED",
      "part or all of the requested memory range is already mapped" },
    { CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED",
      "pointer does not correspond to a registered memory region" },
    { CUDA_ERROR_CONTEXT_IS_DESTROYED, "CUDA_ERROR_CONTEXT_IS_DESTROYED", "context is destroyed" },
    { CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch" },
    { CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported" },
    { CUDA_ERROR_UNKNOWN, "CUDA_ERROR_UNKNOWN", "unknown error" },
};

CUresult CUDAAPI cuGetErrorName(CUresult error, const char **pStr) {
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++)
        if (errors[i].code == error) { *pStr = errors[i].name; return CUDA_SUCCESS; }
    *pStr = NULL;
    return CUDA_ERROR_INVALID_VALUE;
}

CUresult CUDAAPI cuGetErrorString(CUresult error, const char **pStr) {
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++)
        if (errors[i].code == error) { *pStr = errors[i].text; return CUDA_SUCCESS; }
    *pStr = NULL;
    return CUDA_ERROR_INVALID_VALUE;
}

/* ---- devices -------------------------------------------------------------------------------- */

CUresult CUDAAPI cuDeviceGetCount(int *count) {
    ENTER("cuDeviceGetCount");
    if (!count) LEAVE(CUDA_ERROR_INVALID_VALUE);
    *count = DEVICES;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuDeviceGet(CUdevice *device, int ordinal) {
    ENTER("cuDeviceGet");
    if (!device) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (ordinal < 0 || ordinal >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    *device = ordinal;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice dev) {
    ENTER("cuDeviceGetName");
    if (!name || len <= 0) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    snprintf(name, (size_t) len, "Orion Fake GPU %d", dev);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev) {
    ENTER("cuDeviceGetUuid_v2");
    if (!uuid) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    for (int i = 0; i < 16; i++) uuid->bytes[i] = (char) (0xf0 + i);
    uuid->bytes[15] = (char) dev;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
    ENTER("cuDeviceTotalMem_v2");
    if (!bytes) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    *bytes = DEVICE_MEMORY;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev) {
    ENTER("cuDeviceGetPCIBusId");
    if (!pciBusId || len <= 0) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    snprintf(pciBusId, (size_t) len, "0000:%02X:00.0", dev == 0 ? 0x19 : 0x3B);
    LEAVE(CUDA_SUCCESS);
}

static int attribute_value(CUdevice_attribute a, CUdevice dev) {
    switch (a) {
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: return 64;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: return 2147483647;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: return 65535;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: return 65535;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: return (int) MAX_SHARED;
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE: return 32;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: return dev == 0 ? 132 : 66;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: return 9;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: return 0;
    case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: return dev == 0 ? 0x19 : 0x3B;
    case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID: return 0;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR: return 2048;
    default: return 1;
    }
}

CUresult CUDAAPI cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev) {
    ENTER("cuDeviceGetAttribute");
    if (!pi) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    /* retired codes answer INVALID_VALUE, as a real driver does for codes it does not know */
    if (attrib <= 0 || attrib >= CU_DEVICE_ATTRIBUTE_MAX || attrib == 92 || attrib == 93 || attrib == 94)
        LEAVE(CUDA_ERROR_INVALID_VALUE);
    *pi = attribute_value(attrib, dev);
    LEAVE(CUDA_SUCCESS);
}

/* ---- contexts ------------------------------------------------------------------------------- */

CUresult CUDAAPI cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *params, unsigned int flags, CUdevice dev) {
    ENTER("cuCtxCreate_v4");
    count("cuCtxCreate");
    if (!pctx || params || flags > 0x1f) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dev < 0 || dev >= DEVICES) LEAVE(CUDA_ERROR_INVALID_DEVICE);
    if (process_fault) LEAVE(process_fault);
    if (ctx_depth == 16) LEAVE(CUDA_ERROR_UNKNOWN);
    CUcontext c = calloc(1, sizeof *c);
    c->device = dev;
    c->alive = 1;
    live_contexts++;
    ctx_stack[ctx_depth++] = c;   /* pushed, as the real cuCtxCreate does */
    *pctx = c;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuCtxDestroy_v2(CUcontext ctx) {
    ENTER("cuCtxDestroy_v2");
    count("cuCtxDestroy");
    if (!ctx || !ctx->alive) LEAVE(CUDA_ERROR_INVALID_CONTEXT);
    ctx->alive = 0;
    live_contexts--;
    while (ctx->ranges) {
        struct range *r = ctx->ranges;
        ctx->ranges = r->next;
        if (r->kind == DEVICE_MEM || r->kind == GLOBAL_MEM) used_memory[ctx->device] -= r->size;
        if (r->kind == DEVICE_MEM || r->kind == GLOBAL_MEM || r->kind == HOST_ALLOCATED) free((void *) r->base);
        free(r);
    }
    if (ctx_depth && ctx_stack[ctx_depth - 1] == ctx) ctx_depth--;   /* popped if current here */
    LEAVE(CUDA_SUCCESS);   /* the struct is kept: stale handles must stay readable */
}

CUresult CUDAAPI cuCtxGetCurrent(CUcontext *pctx) {
    ENTER("cuCtxGetCurrent");
    count("cuCtxGetCurrent");
    if (!pctx) LEAVE(CUDA_ERROR_INVALID_VALUE);
    *pctx = ctx_depth ? ctx_stack[ctx_depth - 1] : NULL;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuCtxSetCurrent(CUcontext ctx) {
    ENTER("cuCtxSetCurrent");
    count("cuCtxSetCurrent");
    if (ctx && !ctx->alive) LEAVE(CUDA_ERROR_INVALID_CONTEXT);
    if (ctx_depth == 0) ctx_stack[ctx_depth++] = ctx;
    else ctx_stack[ctx_depth - 1] = ctx;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuCtxPopCurrent_v2(CUcontext *pctx) {
    ENTER("cuCtxPopCurrent_v2");
    if (ctx_depth == 0) LEAVE(CUDA_ERROR_INVALID_CONTEXT);
    CUcontext c = ctx_stack[--ctx_depth];
    if (pctx) *pctx = c;
    LEAVE(CUDA_SUCCESS);
}

static double context_busy(CUcontext c);

CUresult CUDAAPI cuCtxSynchronize(void) {
    ENTER("cuCtxSynchronize");
    CURRENT(c);
    double until = context_busy(c);
    pthread_mutex_unlock(&lock);
    sleep_until(until);
    return CUDA_SUCCESS;
}

/* ---- device memory -------------------------------------------------------------------------- */

CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize) {
    ENTER("cuMemAlloc_v2");
    CURRENT(c);
    if (!dptr || bytesize == 0) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (bytesize > DEVICE_MEMORY - used_memory[c->device]) LEAVE(CUDA_ERROR_OUT_OF_MEMORY);
    void *p = malloc(bytesize);
    if (!p) LEAVE(CUDA_ERROR_OUT_OF_MEMORY);
    used_memory[c->device] += bytesize;
    add_range(c, (uintptr_t) p, bytesize, DEVICE_MEM);
    *dptr = (CUdeviceptr) (uintptr_t) p;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemFree_v2(CUdeviceptr dptr) {
    ENTER("cuMemFree_v2");
    CURRENT(c);
    size_t size;
    if (!remove_range(c, (uintptr_t) dptr, DEVICE_MEM, &size)) LEAVE(CUDA_ERROR_INVALID_VALUE);
    used_memory[c->device] -= size;
    free((void *) (uintptr_t) dptr);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemGetInfo_v2(size_t *free_, size_t *total) {
    ENTER("cuMemGetInfo_v2");
    CURRENT(c);
    if (!free_ || !total) LEAVE(CUDA_ERROR_INVALID_VALUE);
    *free_ = DEVICE_MEMORY - used_memory[c->device];
    *total = DEVICE_MEMORY;
    LEAVE(CUDA_SUCCESS);
}

static CUresult memset_(CUdeviceptr d, unsigned char v, size_t n, CUstream s, int async) {
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    if (!async && s) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (n && !find(c, (uintptr_t) d, n, 1)) LEAVE(CUDA_ERROR_INVALID_VALUE);
    memset((void *) (uintptr_t) d, v, n);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemsetD8_v2(CUdeviceptr d, unsigned char uc, size_t n) {
    ENTER("cuMemsetD8_v2");
    return memset_(d, uc, n, NULL, 0);
}

CUresult CUDAAPI cuMemsetD8Async(CUdeviceptr d, unsigned char uc, size_t n, CUstream s) {
    ENTER("cuMemsetD8Async");
    return memset_(d, uc, n, s, 1);
}

/* dir: 0 H2D, 1 D2H, 2 D2D */
static CUresult copy(int dir, void *host, CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s, int async) {
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    if (n == 0) LEAVE(CUDA_SUCCESS);
    if ((dir != 1 && !find(c, (uintptr_t) dst, n, 1)) || (dir != 0 && !find(c, (uintptr_t) src, n, 1)))
        LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (dir != 2 && !host) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (async && dir == 0 && !pinned(c, host, n)) count("async_from_pageable");
    if (async && dir == 1 && !pinned(c, host, n)) count("async_to_pageable");
    /* work queued behind a busy stream is done now; the data is what matters here */
    if (dir == 0) memcpy((void *) (uintptr_t) dst, host, n);
    else if (dir == 1) memcpy(host, (void *) (uintptr_t) src, n);
    else memmove((void *) (uintptr_t) dst, (void *) (uintptr_t) src, n);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    ENTER("cuMemcpyHtoD_v2");
    count("cuMemcpyHtoD");
    return copy(0, (void *) src, dst, 0, n, NULL, 0);
}

CUresult CUDAAPI cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    ENTER("cuMemcpyDtoH_v2");
    count("cuMemcpyDtoH");
    return copy(1, dst, 0, src, n, NULL, 0);
}

CUresult CUDAAPI cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    ENTER("cuMemcpyDtoD_v2");
    return copy(2, NULL, dst, src, n, NULL, 0);
}

CUresult CUDAAPI cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream s) {
    ENTER("cuMemcpyHtoDAsync_v2");
    count("cuMemcpyHtoDAsync");
    return copy(0, (void *) src, dst, 0, n, s, 1);
}

CUresult CUDAAPI cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream s) {
    ENTER("cuMemcpyDtoHAsync_v2");
    count("cuMemcpyDtoHAsync");
    return copy(1, dst, 0, src, n, s, 1);
}

CUresult CUDAAPI cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
    ENTER("cuMemcpyDtoDAsync_v2");
    return copy(2, NULL, dst, src, n, s, 1);
}

/* ---- pinned host memory --------------------------------------------------------------------- */

CUresult CUDAAPI cuMemAllocHost_v2(void **pp, size_t bytesize) {
    ENTER("cuMemAllocHost_v2");
    CURRENT(c);
    if (!pp || bytesize == 0) LEAVE(CUDA_ERROR_INVALID_VALUE);
    void *p = malloc(bytesize);
    if (!p) LEAVE(CUDA_ERROR_OUT_OF_MEMORY);
    add_range(c, (uintptr_t) p, bytesize, HOST_ALLOCATED);
    *pp = p;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemFreeHost(void *p) {
    ENTER("cuMemFreeHost");
    CURRENT(c);
    if (!remove_range(c, (uintptr_t) p, HOST_ALLOCATED, NULL)) LEAVE(CUDA_ERROR_INVALID_VALUE);
    free(p);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemHostRegister_v2(void *p, size_t bytesize, unsigned int flags) {
    ENTER("cuMemHostRegister_v2");
    CURRENT(c);
    if (!p || bytesize == 0 || flags > 0xf) LEAVE(CUDA_ERROR_INVALID_VALUE);
    for (struct range *r = c->ranges; r; r = r->next)
        if (r->kind == HOST_REGISTERED && (uintptr_t) p < r->base + r->size && r->base < (uintptr_t) p + bytesize)
            LEAVE(CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    add_range(c, (uintptr_t) p, bytesize, HOST_REGISTERED);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuMemHostUnregister(void *p) {
    ENTER("cuMemHostUnregister");
    CURRENT(c);
    if (!remove_range(c, (uintptr_t) p, HOST_REGISTERED, NULL)) LEAVE(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED);
    LEAVE(CUDA_SUCCESS);
}

/* ---- kernels (gpu/kernels.cu, on the CPU) ----------------------------------------------------- */

struct kernel {
    const char *name;
    int nparams;
    size_t offset[4], size[4];
    int regs;
    void (*block)(struct launch *L, unsigned bx, unsigned by, unsigned bz);
};

/* A kernel fault ends CUDA for the whole process, ASSERT included (measured on the H200). */
static void fault(struct launch *L, CUresult rc) {
    L->ctx->sticky = rc;
    process_fault = rc;
}

/* A pointer the kernel dereferences: it must lie in device memory of the launching context. */
static void *dev(struct launch *L, uintptr_t p, size_t n) {
    if (L->ctx->sticky) return NULL;
    if (!find(L->ctx, p, n, 1)) { fault(L, CUDA_ERROR_ILLEGAL_ADDRESS); return NULL; }
    return (void *) p;
}

#define ARG(type, off) (*(type *) (L->args + (off)))
#define FOR_THREADS(i) for (unsigned t_ = 0, i; t_ < L->block[0] && ((i = bx * L->block[0] + t_), 1); t_++)

static void k_empty(struct launch *L, unsigned bx, unsigned by, unsigned bz) { (void) L; (void) bx; (void) by; (void) bz; }

static void k_vec_add(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    int n = ARG(int, 24);
    FOR_THREADS(i) {
        if ((int) i >= n) continue;
        float *a = dev(L, ARG(uintptr_t, 0) + 4 * i, 4), *b = dev(L, ARG(uintptr_t, 8) + 4 * i, 4);
        float *c = dev(L, ARG(uintptr_t, 16) + 4 * i, 4);
        if (!a || !b || !c) return;
        *c = *a + *b;
    }
}

static void k_saxpy(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    float a = ARG(float, 0);
    int n = ARG(int, 24);
    FOR_THREADS(i) {
        if ((int) i >= n) continue;
        float *x = dev(L, ARG(uintptr_t, 8) + 4 * i, 4), *y = dev(L, ARG(uintptr_t, 16) + 4 * i, 4);
        if (!x || !y) return;
        *y = fmaf(a, *x, *y); /* nvcc fuses a*x+y by default */
    }
}

struct scale_params { int n; double scale; uintptr_t in; };

static void k_scale(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    struct scale_params p;
    memcpy(&p, L->args, sizeof p);
    FOR_THREADS(i) {
        if ((int) i >= p.n) continue;
        double *in = dev(L, p.in + 8 * i, 8), *out = dev(L, ARG(uintptr_t, 24) + 8 * i, 8);
        if (!in || !out) return;
        *out = *in * p.scale;
    }
}

static void k_reverse_block(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    int n = ARG(int, 16);
    int base = (int) (bx * L->block[0]);
    int count_ = (int) L->block[0] < n - base ? (int) L->block[0] : n - base;
    if (L->shared < L->block[0] * 4) { fault(L, CUDA_ERROR_ILLEGAL_ADDRESS); return; } /* shared overflow */
    int slice[1024];
    for (int t = 0; t < count_; t++) {
        int *in = dev(L, ARG(uintptr_t, 0) + 4 * (size_t) (base + t), 4);
        if (!in) return;
        slice[t] = *in;
    }
    for (int t = 0; t < count_; t++) {
        int *out = dev(L, ARG(uintptr_t, 8) + 4 * (size_t) (base + t), 4);
        if (!out) return;
        *out = slice[count_ - 1 - t];
    }
}

static void k_count(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    int n = ARG(int, 0);
    unsigned *counter = dev(L, L->mod->counter, 4);
    if (!counter) return;
    FOR_THREADS(i) if ((int) i < n) (*counter)++;
}

static void k_table_scale(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) by; (void) bz;
    float f = ARG(float, 0);
    float *table = dev(L, L->mod->table, 256);
    if (!table) return;
    FOR_THREADS(i) if (i < 64) table[i] *= f;
}

static void k_spin(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    if (bx || by || bz) return;
    double *b = busy(L->ctx, L->stream);
    *b = maxd(stream_busy(L->ctx, L->stream), now()) + ARG(unsigned long long, 0) * 1e-9;
}

static void k_write(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) bx; (void) by; (void) bz;
    int *p = dev(L, ARG(uintptr_t, 0), 4);
    if (p) *p = ARG(int, 8);
}

static void k_assert(struct launch *L, unsigned bx, unsigned by, unsigned bz) {
    (void) bx; (void) by; (void) bz;
    if (ARG(int, 0) != 0) fault(L, CUDA_ERROR_ASSERT);
}

static const struct kernel kernels[] = {
    { "orion_empty", 0, {0}, {0}, 4, k_empty },
    { "orion_vec_add", 4, {0, 8, 16, 24}, {8, 8, 8, 4}, 8, k_vec_add },
    { "orion_saxpy", 4, {0, 8, 16, 24}, {4, 8, 8, 4}, 8, k_saxpy },
    { "orion_scale", 2, {0, 24}, {24, 8}, 10, k_scale },
    { "orion_reverse_block", 3, {0, 8, 16}, {8, 8, 4}, 12, k_reverse_block },
    { "orion_count", 1, {0}, {4}, 6, k_count },
    { "orion_table_scale", 1, {0}, {4}, 6, k_table_scale },
    { "orion_spin", 1, {0}, {8}, 8, k_spin },
    { "orion_write", 2, {0, 8}, {8, 4}, 6, k_write },
    { "orion_assert", 1, {0}, {4}, 6, k_assert },
};

/* ---- modules -------------------------------------------------------------------------------- */

/* The image's size, as the real driver finds it from the headers; 0 when not recognised. */
static size_t image_size(const unsigned char *img, int *kind) {
    uint32_t magic;
    memcpy(&magic, img, 4);
    if (magic == 0x464c457fu) {                /* ELF (cubin): section headers are at its end */
        uint64_t shoff; uint16_t shentsize, shnum;
        memcpy(&shoff, img + 0x28, 8); memcpy(&shentsize, img + 0x3a, 2); memcpy(&shnum, img + 0x3c, 2);
        *kind = 1;
        return shoff + (size_t) shentsize * shnum;
    }
    if (magic == 0xba55ed50u) {                /* fat binary: header size + payload size */
        uint16_t header; uint64_t payload;
        memcpy(&header, img + 6, 2); memcpy(&payload, img + 8, 8);
        *kind = 2;
        return header + payload;
    }
    size_t n = strlen((const char *) img);      /* PTX: NUL-terminated text */
    *kind = 0;
    return memmem(img, n, ".version", 8) ? n : 0;
}

CUresult CUDAAPI cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int numOptions,
                                    CUjit_option *options, void **optionValues) {
    ENTER("cuModuleLoadDataEx");
    CURRENT(c);
    if (!module || !image || (numOptions && (!options || !optionValues))) LEAVE(CUDA_ERROR_INVALID_VALUE);
    char *log = NULL;
    unsigned log_size = 0;
    for (unsigned i = 0; i < numOptions; i++) {
        if (options[i] == CU_JIT_ERROR_LOG_BUFFER) log = optionValues[i];
        else if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES) log_size = (unsigned) (uintptr_t) optionValues[i];
        else LEAVE(CUDA_ERROR_INVALID_VALUE);
    }
    int kind;
    size_t size = image_size(image, &kind);
    if (size == 0) LEAVE(CUDA_ERROR_INVALID_IMAGE);
    if (kind == 0 && memmem(image, size, "orion_syntax_error", 18)) {
        if (log && log_size) snprintf(log, log_size, "ptxas application ptx input, line 1; fatal : fake syntax error");
        LEAVE(CUDA_ERROR_INVALID_PTX);
    }
    CUmodule m = calloc(1, sizeof *m);
    m->ctx = c;
    m->alive = 1;
    m->image = memcpy(malloc(size), image, size);
    m->size = size;
    if (memmem(m->image, size, "orion_counter", 13)) {
        m->counter = (uintptr_t) calloc(1, 4);
        add_range(c, m->counter, 4, GLOBAL_MEM);
        used_memory[c->device] += 4;
    }
    if (memmem(m->image, size, "orion_table", 11)) {
        m->table = (uintptr_t) calloc(1, 256);
        add_range(c, m->table, 256, GLOBAL_MEM);
        used_memory[c->device] += 256;
    }
    *module = m;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuModuleUnload(CUmodule hmod) {
    ENTER("cuModuleUnload");
    CURRENT(c);
    if (!hmod || !hmod->alive || hmod->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    hmod->alive = 0;
    size_t size;
    if (hmod->counter && remove_range(c, hmod->counter, GLOBAL_MEM, &size)) used_memory[c->device] -= size;
    if (hmod->table && remove_range(c, hmod->table, GLOBAL_MEM, &size)) used_memory[c->device] -= size;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name) {
    ENTER("cuModuleGetFunction");
    CURRENT(c);
    if (!hfunc || !name) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (!hmod || !hmod->alive || hmod->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
        if (strcmp(kernels[i].name, name) != 0) continue;
        const char *hit = memmem(hmod->image, hmod->size, name, n);
        /* in PTX the name must be a whole word (orion_count is not orion_counter) */
        while (hit && hit + n < hmod->image + hmod->size && (hit[n] == '_' || (hit[n] >= 'a' && hit[n] <= 'z')))
            hit = memmem(hit + 1, hmod->size - (size_t) (hit + 1 - hmod->image), name, n);
        if (!hit) break;
        CUfunction f = calloc(1, sizeof *f);
        f->mod = hmod;
        f->k = &kernels[i];
        *hfunc = f;
        LEAVE(CUDA_SUCCESS);
    }
    LEAVE(CUDA_ERROR_NOT_FOUND);
}

CUresult CUDAAPI cuModuleGetGlobal_v2(CUdeviceptr *dptr, size_t *bytes, CUmodule hmod, const char *name) {
    ENTER("cuModuleGetGlobal_v2");
    CURRENT(c);
    if (!name) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (!hmod || !hmod->alive || hmod->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    uintptr_t p = 0;
    size_t size = 0;
    if (strcmp(name, "orion_counter") == 0) { p = hmod->counter; size = 4; }
    if (strcmp(name, "orion_table") == 0) { p = hmod->table; size = 256; }
    if (!p) LEAVE(CUDA_ERROR_NOT_FOUND);
    if (dptr) *dptr = (CUdeviceptr) p;
    if (bytes) *bytes = size;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuFuncLoad(CUfunction func) {
    ENTER("cuFuncLoad");
    if (!func) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (!func->mod->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    func->loaded = 1;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuFuncGetParamInfo(CUfunction func, size_t paramIndex, size_t *paramOffset, size_t *paramSize) {
    ENTER("cuFuncGetParamInfo");
    if (!func || !paramOffset) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (!func->mod->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (paramIndex >= (size_t) func->k->nparams) LEAVE(CUDA_ERROR_INVALID_VALUE);
    *paramOffset = func->k->offset[paramIndex];
    if (paramSize) *paramSize = func->k->size[paramIndex];
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuFuncGetAttribute(int *pi, CUfunction_attribute attrib, CUfunction hfunc) {
    ENTER("cuFuncGetAttribute");
    if (!pi || !hfunc) LEAVE(CUDA_ERROR_INVALID_VALUE);
    switch (attrib) {
    case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *pi = 1024; break;
    case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: *pi = 0; break;
    case CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: *pi = 0; break;
    case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: *pi = 0; break;
    case CU_FUNC_ATTRIBUTE_NUM_REGS: *pi = hfunc->k->regs; break;
    case CU_FUNC_ATTRIBUTE_PTX_VERSION: *pi = 90; break;
    case CU_FUNC_ATTRIBUTE_BINARY_VERSION: *pi = 90; break;
    case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: *pi = (int) MAX_SHARED; break;
    default: LEAVE(CUDA_ERROR_INVALID_VALUE);
    }
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, CUfunction func, int blockSize,
                                                             size_t dynamicSMemSize) {
    ENTER("cuOccupancyMaxActiveBlocksPerMultiprocessor");
    if (!numBlocks || !func || blockSize <= 0) LEAVE(CUDA_ERROR_INVALID_VALUE);
    int n = 2048 / blockSize;
    if (n > 32) n = 32;
    if (dynamicSMemSize && (int) (233472 / dynamicSMemSize) < n) n = (int) (233472 / dynamicSMemSize);
    *numBlocks = n;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                                unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared,
                                CUstream s, void **kernelParams, void **extra) {
    ENTER("cuLaunchKernel");
    count("cuLaunchKernel");
    CURRENT(c);
    if (!f || !f->mod->alive || f->mod->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    if (extra || (f->k->nparams && !kernelParams)) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (!gx || !gy || !gz || !bx || !by || !bz || gy > 65535 || gz > 65535 || bx > 1024 || by > 1024 || bz > 64
        || (unsigned long long) bx * by * bz > 1024 || shared > MAX_SHARED)
        LEAVE(CUDA_ERROR_INVALID_VALUE);
    struct launch L = { .ctx = c, .grid = {gx, gy, gz}, .block = {bx, by, bz}, .shared = shared, .k = f->k,
                        .stream = s, .mod = f->mod };
    for (int i = 0; i < f->k->nparams; i++) memcpy(L.args + f->k->offset[i], kernelParams[i], f->k->size[i]);
    for (unsigned z = 0; z < gz; z++)
        for (unsigned y = 0; y < gy; y++)
            for (unsigned x = 0; x < gx && !c->sticky; x++) f->k->block(&L, x, y, z);
    LEAVE(CUDA_SUCCESS); /* a fault surfaces at the next synchronising call, as on a GPU */
}

/* ---- streams and events --------------------------------------------------------------------- */

static CUstream streams_of_all[4096];
static int stream_count;

/* Every stream of the context: what cuCtxSynchronize waits for. */
static double context_busy(CUcontext c) {
    double t = c->busy_until;
    for (int i = 0; i < stream_count; i++)
        if (streams_of_all[i]->ctx == c && streams_of_all[i]->alive) t = maxd(t, streams_of_all[i]->busy_until);
    return t;
}

/* The legacy default stream: its own work and that of the blocking streams. */
static double legacy_busy(CUcontext c) {
    double t = c->busy_until;
    for (int i = 0; i < stream_count; i++)
        if (streams_of_all[i]->ctx == c && streams_of_all[i]->alive && streams_of_all[i]->flags != CU_STREAM_NON_BLOCKING)
            t = maxd(t, streams_of_all[i]->busy_until);
    return t;
}

CUresult CUDAAPI cuStreamCreateWithPriority(CUstream *ph, unsigned int flags, int priority) {
    ENTER("cuStreamCreateWithPriority");
    CURRENT(c);
    if (!ph || flags > CU_STREAM_NON_BLOCKING) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (stream_count == 4096) LEAVE(CUDA_ERROR_OUT_OF_MEMORY);
    CUstream s = calloc(1, sizeof *s);
    s->ctx = c; s->alive = 1; s->flags = flags;
    s->priority = priority < -5 ? -5 : priority > 0 ? 0 : priority;   /* clamped, like the driver */
    streams_of_all[stream_count++] = s;
    *ph = s;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuStreamDestroy_v2(CUstream s) {
    ENTER("cuStreamDestroy_v2");
    CURRENT(c);
    if (!s || !s->alive || s->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    s->alive = 0;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuStreamSynchronize(CUstream s) {
    ENTER("cuStreamSynchronize");
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    double until = stream_busy(c, s);
    pthread_mutex_unlock(&lock);
    sleep_until(until);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuStreamQuery(CUstream s) {
    ENTER("cuStreamQuery");
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    LEAVE(now() < stream_busy(c, s) ? CUDA_ERROR_NOT_READY : CUDA_SUCCESS);
}

CUresult CUDAAPI cuStreamWaitEvent(CUstream s, CUevent e, unsigned int flags) {
    ENTER("cuStreamWaitEvent");
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    if (!e || !e->alive || e->ctx != c || flags) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    double *b = busy(c, s);
    if (e->recorded) *b = maxd(stream_busy(c, s), e->at);
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventCreate(CUevent *ph, unsigned int flags) {
    ENTER("cuEventCreate");
    CURRENT(c);
    if (!ph || flags > 0xf) LEAVE(CUDA_ERROR_INVALID_VALUE);
    CUevent e = calloc(1, sizeof *e);
    e->ctx = c; e->alive = 1; e->flags = flags;
    *ph = e;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventDestroy_v2(CUevent e) {
    ENTER("cuEventDestroy_v2");
    if (!e || !e->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    e->alive = 0;
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventRecord(CUevent e, CUstream s) {
    ENTER("cuEventRecord");
    CURRENT(c);
    CUresult r = stream_of(c, s);
    if (r) LEAVE(r);
    if (!e || !e->alive || e->ctx != c) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    e->recorded = 1;
    e->at = maxd(now(), stream_busy(c, s));
    LEAVE(CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventQuery(CUevent e) {
    ENTER("cuEventQuery");
    if (!e || !e->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (process_fault) LEAVE(process_fault);
    if (e->ctx->sticky) LEAVE(e->ctx->sticky);
    LEAVE(e->recorded && now() < e->at ? CUDA_ERROR_NOT_READY : CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventSynchronize(CUevent e) {
    ENTER("cuEventSynchronize");
    if (!e || !e->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (process_fault) LEAVE(process_fault);
    if (e->ctx->sticky) LEAVE(e->ctx->sticky);
    double until = e->recorded ? e->at : 0;
    pthread_mutex_unlock(&lock);
    sleep_until(until);
    return CUDA_SUCCESS;
}

#ifndef FAKE_OLD_DRIVER /* a driver before CUDA 12.8 lacks this symbol */
CUresult CUDAAPI cuEventElapsedTime_v2(float *ms, CUevent start, CUevent end) {
    ENTER("cuEventElapsedTime_v2");
    if (!ms) LEAVE(CUDA_ERROR_INVALID_VALUE);
    if (!start || !end || !start->alive || !end->alive) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if ((start->flags | end->flags) & CU_EVENT_DISABLE_TIMING) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (!start->recorded || !end->recorded) LEAVE(CUDA_ERROR_INVALID_HANDLE);
    if (now() < start->at || now() < end->at) LEAVE(CUDA_ERROR_NOT_READY);
    *ms = (float) ((end->at - start->at) * 1e3);
    LEAVE(CUDA_SUCCESS);
}
#endif
