/*
 * Contexts as the driver API has them: one primary context per vGPU (what the runtime uses),
 * more created with cuCtxCreate, and a per-thread stack whose top is the current context. All
 * contexts of one vGPU share the server-side context of that vGPU's session.
 */
#include <stdlib.h>

#include "core/internal.h"

#define STACK_DEPTH 64

static __thread orion_ctx *stack[STACK_DEPTH];
static __thread int depth;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

ORION_API orion_ctx *orion_ctx_primary(int dev) {
    orion_device *d = dev_at(dev);
    if (!d) return NULL;
    pthread_mutex_lock(&lock);
    if (!d->primary) {
        orion_ctx *c = calloc(1, sizeof *c);
        if (c) {
            c->dev = dev;
            c->primary = 1;
            handle_add(c, H_CTX);
            d->primary = c;
        }
    }
    pthread_mutex_unlock(&lock);
    return d->primary;
}

ORION_API orion_ctx *orion_ctx_current(void) { return depth ? stack[depth - 1] : NULL; }

ORION_API void orion_ctx_set_current(orion_ctx *c) {
    if (depth == 0) {
        if (!c) return;
        depth = 1;
    }
    if (c) stack[depth - 1] = c;
    else depth--; /* setting NULL pops, as cuCtxSetCurrent(NULL) does */
}

ORION_API int orion_ctx_push(orion_ctx *c) {
    if (depth >= STACK_DEPTH) return OR_INVALID_VALUE;
    stack[depth++] = c;
    return OR_SUCCESS;
}

ORION_API int orion_ctx_pop(orion_ctx **out) {
    if (!depth) return OR_INVALID_CONTEXT;
    *out = stack[--depth];
    return OR_SUCCESS;
}

ORION_API int orion_ctx_create(int dev, unsigned flags, orion_ctx **out) {
    if (!dev_at(dev)) return OR_INVALID_DEVICE;
    orion_ctx *c = calloc(1, sizeof *c);
    if (!c) return OR_OUT_OF_MEMORY;
    c->dev = dev;
    c->flags = flags;
    c->refcount = 1;
    handle_add(c, H_CTX);
    *out = c;
    return orion_ctx_push(c);
}

ORION_API int orion_ctx_destroy(orion_ctx *c) {
    if (!orion_ctx_valid(c)) return OR_INVALID_CONTEXT;
    if (c->primary) return OR_INVALID_CONTEXT; /* primary contexts are released, not destroyed */
    for (int i = 0; i < depth; i++)
        if (stack[i] == c) { /* a destroyed context leaves every place of this thread's stack */
            for (int j = i; j < depth - 1; j++) stack[j] = stack[j + 1];
            depth--;
            i--;
        }
    handle_del(c);
    free(c);
    return OR_SUCCESS;
}

ORION_API int orion_ctx_valid(const orion_ctx *c) { return c && handle_is(c, H_CTX); }

ORION_API int orion_ctx_device(const orion_ctx *c) { return c->dev; }

ORION_API unsigned orion_ctx_flags(const orion_ctx *c) { return c->flags; }

ORION_API void orion_ctx_set_flags(orion_ctx *c, unsigned flags) { c->flags = flags; }

ORION_API int orion_current_device(void) {
    orion_ctx *c = orion_ctx_current();
    return c && orion_ctx_valid(c) ? c->dev : -1;
}
