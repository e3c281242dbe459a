/*
 * Device allocations and pinned host memory. The client keeps its own table of every vGPU's
 * allocations (and the module globals it looked up): it tells device pointers from host ones for
 * cudaMemcpyDefault and cudaPointerGetAttributes, finds which vGPU a pointer belongs to, and
 * refuses ranges outside any allocation before they reach the server (which checks again).
 *
 * Pinned host memory lives in the payload region of the vGPU's shared-memory connection when it
 * has one, so that the GPU copies straight from it; otherwise it is ordinary page-aligned memory.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "core/internal.h"

#define ERR_ALREADY_REGISTERED 712 /* CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED */
#define ERR_NOT_REGISTERED 713     /* CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED */

typedef struct {
    uint64_t base;
    uint64_t size;
    int global;                /* a module global: not freed with cudaFree */
} dev_range;

typedef struct {
    dev_range *items;
    size_t n, cap;
} dev_table;

enum host_kind { HOST_REGION = 1, HOST_HEAP, HOST_REGISTERED };

typedef struct {
    uint64_t base;
    uint64_t size;
    unsigned flags;
    int kind;
    orion_region *region;
} host_range;

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static dev_table tables[ORION_MAX_DEVICES];
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static host_range *hosts;
static size_t host_n, host_cap;

/* Index of the last range whose base is <= p, or -1. */
static long floor_index(const dev_table *t, uint64_t p) {
    long lo = 0, hi = (long)t->n - 1, best = -1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        if (t->items[mid].base <= p) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

static int dev_insert(int dev, uint64_t base, uint64_t size, int global) {
    dev_table *t = &tables[dev];
    pthread_mutex_lock(&dev_lock);
    long i = floor_index(t, base);
    if (i >= 0 && t->items[i].base == base) { /* a global looked up again */
        t->items[i].size = size;
        pthread_mutex_unlock(&dev_lock);
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        dev_range *n = realloc(t->items, cap * sizeof *n);
        if (!n) {
            pthread_mutex_unlock(&dev_lock);
            return -1;
        }
        t->items = n;
        t->cap = cap;
    }
    size_t at = (size_t)(i + 1);
    memmove(&t->items[at + 1], &t->items[at], (t->n - at) * sizeof *t->items);
    t->items[at] = (dev_range){base, size, global};
    t->n++;
    pthread_mutex_unlock(&dev_lock);
    return 0;
}

/* Finds the range of dev holding [p, p+n); 1 with *out, else 0. Takes the lock. */
static int dev_find(int dev, uint64_t p, size_t n, dev_range *out) {
    pthread_mutex_lock(&dev_lock);
    const dev_table *t = &tables[dev];
    long i = floor_index(t, p);
    int ok = i >= 0 && p - t->items[i].base < t->items[i].size && n <= t->items[i].size - (p - t->items[i].base);
    if (ok) *out = t->items[i];
    pthread_mutex_unlock(&dev_lock);
    return ok;
}

void mem_add_global(int dev, uint64_t base, size_t size) {
    if (size && dev_insert(dev, base, size, 1)) OLOG_W("out of memory recording global 0x%llx", (unsigned long long)base);
}

int mem_check_device_range(int dev, uint64_t ptr, size_t n, const char *what) {
    dev_range r;
    if (dev_find(dev, ptr, n ? n : 1, &r)) return OR_SUCCESS;
    return core_fail(OR_INVALID_VALUE, "%s [0x%llx, +%zu) is not inside an allocation of vGPU %d", what,
                     (unsigned long long)ptr, n, dev);
}

ORION_API int orion_device_pointer(uint64_t ptr, int prefer, int *dev, uint64_t *base, size_t *size) {
    if (orion_init() != OR_SUCCESS) return 0;
    for (int k = -1; k < orion_g.device_count; k++) {
        int d = k < 0 ? prefer : k;
        if (d < 0 || d >= orion_g.device_count || (k >= 0 && d == prefer)) continue;
        dev_range r;
        if (dev_find(d, ptr, 1, &r)) {
            if (dev) *dev = d;
            if (base) *base = r.base;
            if (size) *size = (size_t)r.size;
            return 1;
        }
    }
    return 0;
}

ORION_API int orion_malloc(int dev, size_t bytes, uint64_t *ptr) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    if (bytes == 0) return core_fail(OR_INVALID_VALUE, "an allocation of 0 bytes");
    orion_session *s = d->session;
    orv_req_mem_alloc(sess_begin(s), d->local, bytes);
    orv_reply r;
    int rc = sess_call(s, ORV_MEM_ALLOC, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_u64(&r.result, "address", ptr)) rc = core_fail(OR_UNKNOWN, "malformed MEM_ALLOC result: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(s);
    if (rc) return rc;
    if (dev_insert(dev, *ptr, bytes, 0)) OLOG_W("out of memory recording allocation 0x%llx", (unsigned long long)*ptr);
    return OR_SUCCESS;
}

ORION_API int orion_free(uint64_t ptr) {
    if (ptr == 0) return OR_SUCCESS;
    if (orion_init()) return orion_init();
    for (int dev = 0; dev < orion_g.device_count; dev++) {
        pthread_mutex_lock(&dev_lock);
        dev_table *t = &tables[dev];
        long i = floor_index(t, ptr);
        int hit = i >= 0 && t->items[i].base == ptr && !t->items[i].global;
        if (hit) {
            memmove(&t->items[i], &t->items[i + 1], (t->n - (size_t)i - 1) * sizeof *t->items);
            t->n--;
        }
        pthread_mutex_unlock(&dev_lock);
        if (!hit) continue;
        orion_device *d = &orion_g.devices[dev];
        /* in order with everything else the program sent, so the quota is back before its next allocation */
        orv_req_mem_free(sess_begin(d->session), d->local, ptr);
        int rc = sess_post(d->session, ORV_MEM_FREE, NULL, 0);
        sess_end(d->session);
        return rc;
    }
    return core_fail(OR_INVALID_VALUE, "0x%llx is not the start of a device allocation", (unsigned long long)ptr);
}

/* ---- host memory ----------------------------------------------------------------------------- */

static long host_floor(uint64_t p) {
    long lo = 0, hi = (long)host_n - 1, best = -1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        if (hosts[mid].base <= p) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

/* Inserts unless it overlaps a range already there; 1 on overlap, -1 out of memory. Caller locks. */
static int host_insert(host_range h) {
    long i = host_floor(h.base);
    if (i >= 0 && h.base < hosts[i].base + hosts[i].size) return 1;
    if ((size_t)(i + 1) < host_n && hosts[i + 1].base < h.base + h.size) return 1;
    if (host_n == host_cap) {
        size_t cap = host_cap ? host_cap * 2 : 64;
        host_range *n = realloc(hosts, cap * sizeof *n);
        if (!n) return -1;
        hosts = n;
        host_cap = cap;
    }
    size_t at = (size_t)(i + 1);
    memmove(&hosts[at + 1], &hosts[at], (host_n - at) * sizeof *hosts);
    hosts[at] = h;
    host_n++;
    return 0;
}

ORION_API int orion_host_alloc(int dev, size_t bytes, unsigned flags, void **out) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    if (bytes == 0) {
        *out = NULL;
        return OR_SUCCESS;
    }
    orion_region *region = d->session->region;
    void *p = region_alloc(region, bytes);
    int kind = HOST_REGION;
    if (!p) {
        if (region) OLOG_D("the shared region has no room for %zu bytes; this pinned buffer is private memory", bytes);
        size_t rounded = (bytes + 4095) / 4096 * 4096;
        p = aligned_alloc(4096, rounded);
        if (!p) return core_fail(OR_OUT_OF_MEMORY, "no host memory for %zu pinned bytes", bytes);
        kind = HOST_HEAP;
        region = NULL;
    }
    pthread_mutex_lock(&host_lock);
    int rc = host_insert((host_range){(uint64_t)(uintptr_t)p, bytes, flags, kind, region});
    pthread_mutex_unlock(&host_lock);
    if (rc) {
        if (kind == HOST_REGION) region_free(region, p, bytes);
        else free(p);
        return core_fail(OR_OUT_OF_MEMORY, "cannot record a pinned buffer of %zu bytes", bytes);
    }
    *out = p;
    return OR_SUCCESS;
}

ORION_API int orion_host_free(void *p) {
    if (!p) return OR_SUCCESS;
    uint64_t a = (uint64_t)(uintptr_t)p;
    pthread_mutex_lock(&host_lock);
    long i = host_floor(a);
    if (i < 0 || hosts[i].base != a || hosts[i].kind == HOST_REGISTERED) {
        pthread_mutex_unlock(&host_lock);
        return core_fail(OR_INVALID_VALUE, "%p is not the start of pinned host memory from this client", p);
    }
    host_range h = hosts[i];
    memmove(&hosts[i], &hosts[i + 1], (host_n - (size_t)i - 1) * sizeof *hosts);
    host_n--;
    pthread_mutex_unlock(&host_lock);
    if (h.kind == HOST_REGION) region_free(h.region, p, (size_t)h.size);
    else free(p);
    return OR_SUCCESS;
}

ORION_API int orion_host_lookup(const void *p, void **base, size_t *size, unsigned *flags) {
    uint64_t a = (uint64_t)(uintptr_t)p;
    pthread_mutex_lock(&host_lock);
    long i = host_floor(a);
    int hit = i >= 0 && a - hosts[i].base < hosts[i].size;
    if (hit) {
        if (base) *base = (void *)(uintptr_t)hosts[i].base;
        if (size) *size = (size_t)hosts[i].size;
        if (flags) *flags = hosts[i].flags;
    }
    pthread_mutex_unlock(&host_lock);
    return hit;
}

ORION_API int orion_host_register(void *p, size_t bytes, unsigned flags) {
    if (!p || bytes == 0) return core_fail(OR_INVALID_VALUE, "registering %zu bytes at %p", bytes, p);
    pthread_mutex_lock(&host_lock);
    int rc = host_insert((host_range){(uint64_t)(uintptr_t)p, bytes, flags, HOST_REGISTERED, NULL});
    pthread_mutex_unlock(&host_lock);
    if (rc == 1) return core_fail(ERR_ALREADY_REGISTERED, "[%p, +%zu) overlaps memory already registered", p, bytes);
    if (rc) return OR_OUT_OF_MEMORY;
    return OR_SUCCESS;
}

ORION_API int orion_host_unregister(void *p) {
    uint64_t a = (uint64_t)(uintptr_t)p;
    pthread_mutex_lock(&host_lock);
    long i = host_floor(a);
    int hit = i >= 0 && hosts[i].base == a && hosts[i].kind == HOST_REGISTERED;
    if (hit) {
        memmove(&hosts[i], &hosts[i + 1], (host_n - (size_t)i - 1) * sizeof *hosts);
        host_n--;
    }
    pthread_mutex_unlock(&host_lock);
    return hit ? OR_SUCCESS : core_fail(ERR_NOT_REGISTERED, "%p was not registered", p);
}

ORION_API int orion_mem_info(int dev, size_t *free_bytes, size_t *total_bytes) {
    orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    orion_session *s = d->session;
    orv_req_device(sess_begin(s), d->local);
    orv_reply r;
    uint64_t f = 0, t = 0;
    int rc = sess_call(s, ORV_MEM_INFO, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_mem_info(&r.result, &f, &t)) rc = core_fail(OR_UNKNOWN, "malformed MEM_INFO: %s", r.result.err);
    sess_end(s);
    if (rc) return rc;
    *free_bytes = (size_t)f;
    *total_bytes = (size_t)t;
    return OR_SUCCESS;
}
