/*
 * Pieces of a shared-memory connection's payload region: pinned host buffers of the program
 * (cudaMallocHost, cuMemHostAlloc) and staging for copies of other host memory. The server
 * registered the region with the GPU, so the device reads and writes these pieces directly.
 * First fit over a sorted free list, 4 KiB aligned.
 */
#ifndef ORION_REGION_H
#define ORION_REGION_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct region_range {
    uint64_t off, len;
} region_range;

typedef struct orion_region {
    uint8_t *base;
    size_t size;
    pthread_mutex_t lock;
    region_range *free_list;
    size_t free_count, free_cap;
} orion_region;

orion_region *region_create(uint8_t *base, size_t size);
/* A piece of at least n bytes, or NULL when the region has no room. */
void *region_alloc(orion_region *r, size_t n);
void region_free(orion_region *r, void *p, size_t n);
/* Whether [p, p+n) lies in the region; its offset into *off. */
int region_contains(const orion_region *r, const void *p, size_t n, uint64_t *off);
/* Bytes free (for tests and logs). */
size_t region_free_bytes(orion_region *r);

#endif
