#include "core/region.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN 4096u

static uint64_t round_up(uint64_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

orion_region *region_create(uint8_t *base, size_t size) {
    orion_region *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->base = base;
    r->size = size;
    pthread_mutex_init(&r->lock, NULL);
    r->free_list = malloc(16 * sizeof *r->free_list);
    if (!r->free_list) {
        free(r);
        return NULL;
    }
    r->free_cap = 16;
    uint64_t usable = size / ALIGN * ALIGN;
    if (usable) r->free_list[r->free_count++] = (region_range){0, usable};
    return r;
}

void *region_alloc(orion_region *r, size_t n) {
    if (!r || n == 0) return NULL;
    uint64_t need = round_up(n);
    void *p = NULL;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->free_count; i++) {
        region_range *f = &r->free_list[i];
        if (f->len < need) continue;
        p = r->base + f->off;
        f->off += need;
        f->len -= need;
        if (f->len == 0) {
            memmove(f, f + 1, (r->free_count - i - 1) * sizeof *f);
            r->free_count--;
        }
        break;
    }
    pthread_mutex_unlock(&r->lock);
    return p;
}

void region_free(orion_region *r, void *p, size_t n) {
    if (!r || !p) return;
    uint64_t off = (uint64_t)((uint8_t *)p - r->base), len = round_up(n);
    pthread_mutex_lock(&r->lock);
    size_t i = 0;
    while (i < r->free_count && r->free_list[i].off < off) i++;
    int merged = 0;
    if (i > 0 && r->free_list[i - 1].off + r->free_list[i - 1].len == off) {
        r->free_list[i - 1].len += len;
        merged = 1;
        if (i < r->free_count && off + len == r->free_list[i].off) {
            r->free_list[i - 1].len += r->free_list[i].len;
            memmove(&r->free_list[i], &r->free_list[i + 1], (r->free_count - i - 1) * sizeof *r->free_list);
            r->free_count--;
        }
    } else if (i < r->free_count && off + len == r->free_list[i].off) {
        r->free_list[i].off = off;
        r->free_list[i].len += len;
        merged = 1;
    }
    if (!merged) {
        if (r->free_count == r->free_cap) {
            region_range *nl = realloc(r->free_list, 2 * r->free_cap * sizeof *nl);
            if (!nl) { /* losing track of a piece is better than corrupting the list */
                pthread_mutex_unlock(&r->lock);
                return;
            }
            r->free_list = nl;
            r->free_cap *= 2;
        }
        memmove(&r->free_list[i + 1], &r->free_list[i], (r->free_count - i) * sizeof *r->free_list);
        r->free_list[i] = (region_range){off, len};
        r->free_count++;
    }
    pthread_mutex_unlock(&r->lock);
}

int region_contains(const orion_region *r, const void *p, size_t n, uint64_t *off) {
    if (!r) return 0;
    const uint8_t *q = p;
    if (q < r->base || q >= r->base + r->size || n > (size_t)(r->base + r->size - q)) return 0;
    *off = (uint64_t)(q - r->base);
    return 1;
}

size_t region_free_bytes(orion_region *r) {
    size_t total = 0;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->free_count; i++) total += r->free_list[i].len;
    pthread_mutex_unlock(&r->lock);
    return total;
}
