/*
 * Modules, kernels, globals and launches. An image is sent to a server once per vGPU (lazily for
 * the runtime's registered fat binaries, at once for the driver API's cuModuleLoad*); a kernel's
 * parameter layout is asked once per vGPU and cached, and every launch packs the program's
 * argument pointers into one buffer by that layout, so nothing about the program's kernels has
 * to be known in advance.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "core/internal.h"

#define FATBIN_MAGIC 0xBA55ED50u
/* CUdevice_attribute codes used for launch checks */
#define ATTR_MAX_THREADS_PER_BLOCK 1
#define ATTR_MAX_BLOCK_DIM_X 2
#define ATTR_MAX_GRID_DIM_X 5
#define ATTR_MAX_SHARED_PER_BLOCK 8
#define ATTR_MAX_SHARED_PER_BLOCK_OPTIN 97

/* A global looked up on one vGPU: cudaMemcpyToSymbol in a loop asks the server only once. */
typedef struct global_entry {
    struct global_entry *next;
    char *name;
    int dev;
    uint64_t address;
    size_t size;
} global_entry;

/* The size of an image from its own header: fat binary, ELF (cubin) or PTX text. 0 when unknown. */
static size_t image_size(const uint8_t *p) {
    uint32_t magic;
    memcpy(&magic, p, 4);
    if (magic == FATBIN_MAGIC) {
        uint16_t hsize;
        uint64_t fsize;
        memcpy(&hsize, p + 6, 2);
        memcpy(&fsize, p + 8, 8);
        return (size_t)hsize + (size_t)fsize;
    }
    if (p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F' && p[4] == 2) {
        uint64_t shoff;
        uint16_t shentsize, shnum;
        memcpy(&shoff, p + 0x28, 8);
        memcpy(&shentsize, p + 0x3A, 2);
        memcpy(&shnum, p + 0x3C, 2);
        return (size_t)(shoff + (uint64_t)shentsize * shnum); /* nvcc puts the section table last */
    }
    return strlen((const char *)p);
}

static int load_on(orion_module *m, int dev, uint64_t *out) {
    orion_device *d = dev_at(dev);
    if (!d) return OR_INVALID_DEVICE;
    orion_session *s = d->session;
    orv_writer *w = sess_begin(s);
    orv_reply r;
    int rc;
    if (2 + m->size <= s->max_payload) {
        orv_req_module_load(w, d->local);
        rc = sess_call(s, ORV_MODULE_LOAD, m->image, m->size, &r, NULL, NULL);
    } else {
        /* larger than a frame: through the shared region, when there is one */
        orion_region *rg = s->region; /* the piece goes back to this region even if the session resumes elsewhere */
        uint8_t *piece = region_alloc(rg, 2 + m->size);
        uint64_t off;
        if (!piece) {
            sess_end(s);
            return core_fail(OR_INVALID_VALUE, "a module image of %zu bytes exceeds the connection's limit of %u bytes%s",
                             m->size, s->max_payload, rg ? " and the shared region's free space" : "");
        }
        piece[0] = (uint8_t)d->local;
        piece[1] = (uint8_t)(d->local >> 8);
        memcpy(piece + 2, m->image, m->size);
        region_contains(rg, piece, 1, &off);
        rc = sess_call_indirect(s, ORV_MODULE_LOAD, off, 2 + m->size, &r);
        region_free(rg, piece, 2 + m->size);
    }
    if (rc == 0 && orv_res_handle(&r.result, out)) rc = core_fail(OR_UNKNOWN, "malformed MODULE_LOAD: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST && rc != ORION_ERR_REDO) {
        core_note(r.message);
        OLOG_W("vGPU %d refused a module of %zu bytes (%d): %s", dev, m->size, rc, r.message);
    }
    sess_end(s);
    return rc;
}

int module_handle(orion_module *m, int dev, uint64_t *handle) {
    if (dev < 0 || dev >= ORION_MAX_DEVICES) return OR_INVALID_DEVICE;
    pthread_mutex_lock(&m->lock);
    int rc = OR_SUCCESS;
    if (m->state[dev] == MODULE_UNLOADED) {
        /* again after a resume under an INDIRECT load, or one that moved the session to a connection
         * whose frames no longer hold the image before it went out: each try takes the way the
         * connection it has then offers (a frame, else its region) */
        do rc = load_on(m, dev, &m->handle[dev]); while (rc == ORION_ERR_REDO);
        m->state[dev] = rc ? MODULE_FAILED : MODULE_LOADED;
        m->load_error[dev] = rc;
    } else if (m->state[dev] == MODULE_FAILED) {
        rc = m->load_error[dev];
    }
    *handle = m->handle[dev];
    pthread_mutex_unlock(&m->lock);
    return rc;
}

ORION_API int orion_module_create(const void *image, size_t size, int home, int copy, orion_module **out) {
    if (!image) return core_fail(OR_INVALID_VALUE, "a module from a null image");
    if (size == 0) size = image_size(image);
    if (size == 0) return core_fail(OR_INVALID_IMAGE, "an empty module image");
    orion_module *m = calloc(1, sizeof *m);
    if (!m) return OR_OUT_OF_MEMORY;
    pthread_mutex_init(&m->lock, NULL);
    m->home = home;
    m->size = size;
    if (copy) {
        uint8_t *c = malloc(size);
        if (!c) {
            free(m);
            return OR_OUT_OF_MEMORY;
        }
        memcpy(c, image, size);
        m->image = c;
        m->owns_image = 1;
    } else {
        m->image = image;
    }
    if (home >= 0) {
        uint64_t h;
        int rc = module_handle(m, home, &h);
        if (rc) {
            if (m->owns_image) free((void *)m->image);
            free(m);
            return rc;
        }
    }
    handle_add(m, H_MODULE);
    *out = m;
    return OR_SUCCESS;
}

ORION_API int orion_module_lookup(const void *handle, orion_module **out) {
    if (!handle || !handle_is(handle, H_MODULE)) return core_fail(OR_INVALID_HANDLE, "%p is not a module of this process", handle);
    *out = (orion_module *)handle;
    return OR_SUCCESS;
}

ORION_API int orion_module_home(const orion_module *m) { return m->home; }

ORION_API int orion_module_unload(orion_module *m) {
    if (!m || !handle_is(m, H_MODULE)) return OR_INVALID_HANDLE;
    handle_del(m);
    for (int dev = 0; dev < ORION_MAX_DEVICES; dev++) {
        if (m->state[dev] != MODULE_LOADED) continue;
        orion_device *d = dev_at(dev);
        if (!d || d->session->broken) continue; /* at exit the session may already have ended */
        orv_req_handle(sess_begin(d->session), d->local, m->handle[dev]);
        sess_post(d->session, ORV_MODULE_UNLOAD, NULL, 0);
        sess_end(d->session);
    }
    for (size_t i = 0; i < m->function_count; i++) {
        orion_function *f = m->functions[i];
        handle_del(f);
        for (int dev = 0; dev < ORION_MAX_DEVICES; dev++)
            if (f->resolved[dev]) orv_function_info_free(&f->info[dev]);
        free(f->name);
        free(f);
    }
    for (global_entry *g = m->globals; g;) {
        global_entry *next = g->next;
        free(g->name);
        free(g);
        g = next;
    }
    free(m->functions);
    if (m->owns_image) free((void *)m->image);
    free(m);
    return OR_SUCCESS;
}

ORION_API int orion_module_function(orion_module *m, const char *name, orion_function **out) {
    if (!name) return core_fail(OR_INVALID_VALUE, "a kernel without a name");
    pthread_mutex_lock(&m->lock);
    orion_function *f = NULL;
    for (size_t i = 0; i < m->function_count && !f; i++)
        if (!strcmp(m->functions[i]->name, name)) f = m->functions[i];
    if (!f) {
        orion_function **n = realloc(m->functions, (m->function_count + 1) * sizeof *n);
        f = calloc(1, sizeof *f);
        if (!n || !f || !(f->name = strdup(name))) {
            if (n) m->functions = n;
            free(f);
            pthread_mutex_unlock(&m->lock);
            return OR_OUT_OF_MEMORY;
        }
        f->module = m;
        m->functions = n;
        m->functions[m->function_count++] = f;
        handle_add(f, H_FUNCTION);
    }
    pthread_mutex_unlock(&m->lock);
    if (m->home >= 0) { /* the driver API reports an unknown name at once */
        const orv_function_info *info;
        int rc = orion_function_layout(f, m->home, &info);
        if (rc) return rc;
    }
    *out = f;
    return OR_SUCCESS;
}

ORION_API int orion_function_lookup(const void *handle, orion_function **out) {
    if (!handle || !handle_is(handle, H_FUNCTION)) return core_fail(OR_INVALID_HANDLE, "%p is not a kernel of this process", handle);
    *out = (orion_function *)handle;
    return OR_SUCCESS;
}

ORION_API const char *orion_function_name(const orion_function *f) { return f->name; }
ORION_API orion_module *orion_function_module(const orion_function *f) { return f->module; }
ORION_API int orion_function_device(const orion_function *f, int dev) { return f->module->home >= 0 ? f->module->home : dev; }

ORION_API int orion_function_layout(orion_function *f, int dev, const orv_function_info **info) {
    if (dev < 0 || dev >= ORION_MAX_DEVICES || !dev_at(dev)) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    orion_module *m = f->module;
    /* every launch asks: a layout, once resolved, never changes, so it is read without the lock
     * (resolved is published with a release store after info is written) */
    if (__atomic_load_n(&f->resolved[dev], __ATOMIC_ACQUIRE)) {
        *info = &f->info[dev];
        return OR_SUCCESS;
    }
    uint64_t mh;
    int rc = module_handle(m, dev, &mh);
    if (rc) return rc;
    orion_device *d = &orion_g.devices[dev];
    orion_session *s = d->session;
    orv_req_named(sess_begin(s), d->local, mh, f->name);
    orv_reply r;
    orv_function_info fi;
    rc = sess_call(s, ORV_FUNCTION_GET, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_function(&r.result, &fi)) rc = core_fail(OR_UNKNOWN, "malformed FUNCTION_GET: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(s);
    if (rc) return rc;
    pthread_mutex_lock(&m->lock);
    if (!f->resolved[dev]) {
        f->info[dev] = fi;
        __atomic_store_n(&f->resolved[dev], 1, __ATOMIC_RELEASE);
    } else {
        orv_function_info_free(&fi); /* another thread was quicker */
    }
    *info = &f->info[dev];
    pthread_mutex_unlock(&m->lock);
    return OR_SUCCESS;
}

ORION_API int orion_function_attributes(orion_function *f, int dev, orv_function_attributes *out) {
    const orv_function_info *info;
    int rc = orion_function_layout(f, dev, &info);
    if (rc) return rc;
    orion_device *d = &orion_g.devices[dev];
    orv_req_handle(sess_begin(d->session), d->local, info->handle);
    orv_reply r;
    rc = sess_call(d->session, ORV_FUNCTION_ATTRIBUTES, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_attributes(&r.result, out)) rc = core_fail(OR_UNKNOWN, "malformed FUNCTION_ATTRIBUTES: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(d->session);
    return rc;
}

ORION_API int orion_occupancy(orion_function *f, int dev, int block_size, size_t dynamic_shared, int *blocks) {
    if (block_size < 1) return core_fail(OR_INVALID_VALUE, "occupancy for blocks of %d threads", block_size);
    const orv_function_info *info;
    int rc = orion_function_layout(f, dev, &info);
    if (rc) return rc;
    orion_device *d = &orion_g.devices[dev];
    orv_req_occupancy(sess_begin(d->session), d->local, info->handle, (uint32_t)block_size, dynamic_shared);
    orv_reply r;
    int32_t v = 0;
    rc = sess_call(d->session, ORV_OCCUPANCY, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_i32(&r.result, "value", &v)) rc = core_fail(OR_UNKNOWN, "malformed OCCUPANCY: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(d->session);
    if (rc == 0) *blocks = v;
    return rc;
}

ORION_API int orion_module_global(orion_module *m, const char *name, int dev, uint64_t *address, size_t *size) {
    pthread_mutex_lock(&m->lock);
    for (global_entry *g = m->globals; g; g = g->next) {
        if (g->dev == dev && !strcmp(g->name, name)) {
            *address = g->address;
            *size = g->size;
            pthread_mutex_unlock(&m->lock);
            return OR_SUCCESS;
        }
    }
    pthread_mutex_unlock(&m->lock);
    uint64_t mh;
    int rc = module_handle(m, dev, &mh);
    if (rc) return rc;
    orion_device *d = &orion_g.devices[dev];
    orv_req_named(sess_begin(d->session), d->local, mh, name);
    orv_reply r;
    uint64_t a = 0, sz = 0;
    rc = sess_call(d->session, ORV_GLOBAL_GET, NULL, 0, &r, NULL, NULL);
    if (rc == 0 && orv_res_global(&r.result, &a, &sz)) rc = core_fail(OR_UNKNOWN, "malformed GLOBAL_GET: %s", r.result.err);
    else if (rc && rc != ORION_ERR_LOST) core_note(r.message);
    sess_end(d->session);
    if (rc) return rc;
    mem_add_global(dev, a, (size_t)sz);
    global_entry *g = calloc(1, sizeof *g);
    if (g && (g->name = strdup(name))) {
        g->dev = dev;
        g->address = a;
        g->size = (size_t)sz;
        pthread_mutex_lock(&m->lock);
        g->next = m->globals;
        m->globals = g;
        pthread_mutex_unlock(&m->lock);
    } else {
        free(g);
    }
    *address = a;
    *size = (size_t)sz;
    return OR_SUCCESS;
}

/* ---- launches ----------------------------------------------------------------------------------- */

void launch_limits_read(orion_device *d) {
    launch_limits *l = &d->limits;
    l->max_threads = info_attribute(d->info, ATTR_MAX_THREADS_PER_BLOCK);
    for (int i = 0; i < 3; i++) {
        l->max_block[i] = info_attribute(d->info, ATTR_MAX_BLOCK_DIM_X + i);
        l->max_grid[i] = info_attribute(d->info, ATTR_MAX_GRID_DIM_X + i);
    }
    int optin = info_attribute(d->info, ATTR_MAX_SHARED_PER_BLOCK_OPTIN), plain = info_attribute(d->info, ATTR_MAX_SHARED_PER_BLOCK);
    l->max_shared = optin > plain ? optin : plain;
}

static int config_fits(const orion_device *d, const unsigned grid[3], const unsigned block[3], unsigned shared_bytes) {
    const launch_limits *l = &d->limits;
    long long threads = (long long)block[0] * block[1] * block[2];
    if (l->max_threads > 0 && threads > l->max_threads) {
        core_fail(OR_INVALID_VALUE, "a block of %lld threads exceeds the vGPU's %d", threads, l->max_threads);
        return 0;
    }
    for (int i = 0; i < 3; i++) {
        if (grid[i] == 0 || block[i] == 0) {
            core_fail(OR_INVALID_VALUE, "a launch with a zero dimension (grid %u,%u,%u block %u,%u,%u)", grid[0], grid[1],
                      grid[2], block[0], block[1], block[2]);
            return 0;
        }
        if (l->max_block[i] > 0 && block[i] > (unsigned)l->max_block[i]) {
            core_fail(OR_INVALID_VALUE, "block dimension %c = %u exceeds the vGPU's %d", "xyz"[i], block[i], l->max_block[i]);
            return 0;
        }
        if (l->max_grid[i] > 0 && grid[i] > (unsigned)l->max_grid[i]) {
            core_fail(OR_INVALID_VALUE, "grid dimension %c = %u exceeds the vGPU's %d", "xyz"[i], grid[i], l->max_grid[i]);
            return 0;
        }
    }
    if (l->max_shared > 0 && shared_bytes > (unsigned)l->max_shared) {
        core_fail(OR_INVALID_VALUE, "%u bytes of dynamic shared memory exceed the vGPU's %d", shared_bytes, l->max_shared);
        return 0;
    }
    return 1;
}

ORION_API int orion_launch_config_ok(int dev, const unsigned grid[3], const unsigned block[3], unsigned shared_bytes) {
    const orion_device *d = dev_at(dev);
    return !d || config_fits(d, grid, block, shared_bytes); /* a bad device is the launch's to report */
}

int pack_arguments(const orv_function_info *info, const char *kernel, void **args, const void *packed, size_t packed_len,
                   uint8_t *buf, size_t *n) {
    *n = info->argument_bytes;
    if (packed) {
        if (packed_len < *n)
            return core_fail(OR_INVALID_VALUE, "kernel %s takes %zu bytes of arguments, the buffer holds %zu", kernel, *n, packed_len);
        memcpy(buf, packed, *n);
        return OR_SUCCESS;
    }
    if (*n && !args) return core_fail(OR_INVALID_VALUE, "kernel %s takes %u arguments, none were given", kernel, info->param_count);
    memset(buf, 0, *n); /* padding between parameters goes out as zeros, not stack garbage */
    for (unsigned i = 0; i < info->param_count; i++) {
        if (!args[i]) return core_fail(OR_INVALID_VALUE, "argument %u of kernel %s is a null pointer", i, kernel);
        memcpy(buf + info->params[i].offset, args[i], info->params[i].size);
    }
    return OR_SUCCESS;
}

ORION_API int orion_launch(orion_function *f, int dev, const unsigned grid[3], const unsigned block[3], unsigned shared_bytes,
                           orion_stream *st, void **args, const void *packed, size_t packed_len) {
    dev = orion_function_device(f, dev);
    if (st && st->dev != dev)
        return core_fail(OR_INVALID_HANDLE, "a launch on vGPU %d with a stream of vGPU %d", dev, st->dev);
    const orion_device *d = dev_at(dev);
    if (!d) return orion_init() ? orion_init() : OR_INVALID_DEVICE;
    if (!config_fits(d, grid, block, shared_bytes)) return OR_INVALID_VALUE;
    const orv_function_info *info;
    int rc = orion_function_layout(f, dev, &info);
    if (rc) return rc;
    uint8_t buf[ORV_MAX_PARAM_BYTES];
    size_t n;
    rc = pack_arguments(info, f->name, args, packed, packed_len, buf, &n);
    if (rc) return rc;
    orion_session *s = d->session;
    uint32_t g[3] = {grid[0], grid[1], grid[2]}, b[3] = {block[0], block[1], block[2]};
    orv_req_launch(sess_begin(s), d->local, info->handle, g, b, shared_bytes, st ? st->handle : 0);
    rc = sess_post(s, ORV_LAUNCH, buf, n);
    sess_end(s);
    return rc;
}
