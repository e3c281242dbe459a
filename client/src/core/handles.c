/*
 * The registry of objects handed to the program (contexts, streams, events, modules, kernels):
 * an open-addressing set of pointers with their kind. A handle coming back from the program is
 * looked up here first, so a stale or made-up one gets CUDA's invalid-handle error instead of
 * being dereferenced.
 *
 * Nearly every call looks a handle up (a launch its kernel and the current context), so each thread
 * remembers the handles it found, tagged with the number of removals so far: while nothing has been
 * removed since, a remembered handle is still registered and needs no lock. Any removal makes
 * every thread look up again.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/internal.h"

typedef struct {
    const void *p;   /* NULL: empty; TOMB: deleted */
    int kind;
} slot;

static const char tomb_mark;
#define TOMB ((const void *)&tomb_mark)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot *table;
static size_t cap, used; /* used counts live entries and tombstones */

static size_t hash(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void rehash(size_t ncap) {
    slot *n = calloc(ncap, sizeof *n);
    if (!n) return;
    size_t live = 0;
    for (size_t i = 0; i < cap; i++) {
        if (!table[i].p || table[i].p == TOMB) continue;
        size_t j = hash(table[i].p) & (ncap - 1);
        while (n[j].p) j = (j + 1) & (ncap - 1);
        n[j] = table[i];
        live++;
    }
    free(table);
    table = n;
    cap = ncap;
    used = live;
}

void handle_add(const void *p, int kind) {
    pthread_mutex_lock(&lock);
    if ((used + 1) * 2 > cap) rehash(cap ? cap * 2 : 256);
    if (table && (used + 1) * 2 <= cap) {
        size_t j = hash(p) & (cap - 1);
        while (table[j].p && table[j].p != TOMB && table[j].p != p) j = (j + 1) & (cap - 1);
        if (!table[j].p) used++;
        table[j].p = p;
        table[j].kind = kind;
    }
    pthread_mutex_unlock(&lock);
}

static slot *find(const void *p) {
    if (!table || !p) return NULL;
    size_t j = hash(p) & (cap - 1);
    while (table[j].p) {
        if (table[j].p == p) return &table[j];
        j = (j + 1) & (cap - 1);
    }
    return NULL;
}

/* Removals so far: what a thread's remembered lookups are valid for. Changed under the lock. */
static uint64_t removals;

#define REMEMBERED 16
typedef struct {
    const void *p;
    int kind;
    uint64_t removals;
} remembered;
static __thread remembered seen[REMEMBERED];

void handle_del(const void *p) {
    pthread_mutex_lock(&lock);
    slot *s = find(p);
    if (s) {
        s->p = TOMB;
        __atomic_store_n(&removals, removals + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lock);
}

int handle_is(const void *p, int kind) {
    remembered *r = &seen[hash(p) & (REMEMBERED - 1)];
    if (p && r->p == p && r->kind == kind && r->removals == __atomic_load_n(&removals, __ATOMIC_ACQUIRE)) return 1;
    pthread_mutex_lock(&lock);
    slot *s = find(p);
    int ok = s && s->kind == kind;
    if (ok) *r = (remembered){p, kind, removals};
    pthread_mutex_unlock(&lock);
    return ok;
}
