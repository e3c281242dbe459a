#include "runtime/ptrmap.h"

#include <stdint.h>
#include <stdlib.h>

/* Deleted slots keep this key so that probing continues past them. */
static const char gone;
#define GONE ((const void *)&gone)

static size_t slot(const void *p, size_t cap) {
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 17) & (cap - 1);
}

static int grow(ptrmap *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    const void **keys = calloc(cap, sizeof *keys);
    void **values = calloc(cap, sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    size_t count = 0;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i] || m->keys[i] == GONE) continue;
        size_t j = slot(m->keys[i], cap);
        while (keys[j]) j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
        count++;
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    m->count = count;
    return 0;
}

int ptrmap_put(ptrmap *m, const void *key, void *value) {
    pthread_mutex_lock(&m->lock);
    if ((m->count + 1) * 2 > m->cap && grow(m)) {
        pthread_mutex_unlock(&m->lock);
        return -1;
    }
    size_t j = slot(key, m->cap);
    while (m->keys[j] && m->keys[j] != GONE && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) m->count++;
    m->keys[j] = key;
    m->values[j] = value;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

void *ptrmap_get(ptrmap *m, const void *key) {
    void *v = NULL;
    pthread_mutex_lock(&m->lock);
    if (m->cap && key) {
        size_t j = slot(key, m->cap);
        while (m->keys[j]) {
            if (m->keys[j] == key) {
                v = m->values[j];
                break;
            }
            j = (j + 1) & (m->cap - 1);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return v;
}

void ptrmap_remove_if(ptrmap *m, int (*drop)(void *value, void *ctx), void *ctx) {
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->keys[i] != GONE && drop(m->values[i], ctx)) m->keys[i] = GONE;
    pthread_mutex_unlock(&m->lock);
}
