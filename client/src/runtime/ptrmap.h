/* A map from pointers (the program's host functions and variables) to what was registered for them. */
#ifndef ORION_PTRMAP_H
#define ORION_PTRMAP_H

#include <pthread.h>
#include <stddef.h>

typedef struct ptrmap {
    pthread_mutex_t lock;
    const void **keys;
    void **values;
    size_t cap, count;
} ptrmap;

#define PTRMAP_INIT {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0}

/* Sets key -> value (replacing); -1 when out of memory. */
int ptrmap_put(ptrmap *m, const void *key, void *value);
void *ptrmap_get(ptrmap *m, const void *key);
/* Removes every entry whose value satisfies drop(value, ctx). */
void ptrmap_remove_if(ptrmap *m, int (*drop)(void *value, void *ctx), void *ctx);

#endif
