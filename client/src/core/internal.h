/* What the core's files share; nothing here is seen by the fronts (driver/, runtime/). */
#ifndef ORION_INTERNAL_H
#define ORION_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "core/config.h"
#include "core/orion.h"
#include "core/region.h"
#include "core/session.h"

/* What a launch configuration is checked against, read once from the vGPU's attributes (a launch
 * checks it twice: a binary search of the attribute list per limit would cost more than sending). */
typedef struct launch_limits {
    int max_threads;           /* per block; 0 where the server did not report a limit: not checked */
    int max_block[3];
    int max_grid[3];
    int max_shared;            /* dynamic shared memory per block: the opt-in limit when larger */
} launch_limits;

typedef struct orion_device {
    int ordinal;
    orion_session *session;
    uint16_t local;            /* the device number within its session */
    orv_device_info *info;
    orion_ctx *primary;
    launch_limits limits;
} orion_device;

typedef struct orion_state {
    orion_config cfg;
    int device_count;
    orion_device devices[ORION_MAX_DEVICES];
    orion_session *sessions[ORION_MAX_DEVICES];
    int session_count;
} orion_state;

extern orion_state orion_g;

/* The vGPU with this ordinal after a successful init, else NULL. */
orion_device *dev_at(int ordinal);

/* Remembers the server's message of a failed call for this thread (orion_last_message). */
void core_note(const char *message);
/* A call's status with the session's message noted; also used for client-side refusals. */
int core_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- handles: every object the program gets a pointer to is registered, so that a pointer it
 *      passes back is looked up before it is dereferenced ---------------------------------------- */
enum handle_kind { H_CTX = 1, H_STREAM, H_EVENT, H_MODULE, H_FUNCTION };
void handle_add(const void *p, int kind);
void handle_del(const void *p);
int handle_is(const void *p, int kind);

struct orion_ctx {
    int dev;
    unsigned flags;
    int primary;
    int refcount;
};

struct orion_stream {
    int dev;
    uint64_t handle;           /* the server's */
    unsigned flags;
    int priority;
};

struct orion_event {
    int dev;
    uint64_t handle;
    unsigned flags;
};

#define MODULE_UNLOADED 0
#define MODULE_LOADED 1
#define MODULE_FAILED 2

struct orion_module {
    pthread_mutex_t lock;
    const uint8_t *image;
    size_t size;
    int owns_image;
    int home;                  /* -1: loaded lazily on each vGPU */
    uint64_t handle[ORION_MAX_DEVICES];
    int state[ORION_MAX_DEVICES];
    int load_error[ORION_MAX_DEVICES];
    struct orion_function **functions;
    size_t function_count;
    struct global_entry *globals; /* module.c's cache of looked-up globals */
};

struct orion_function {
    orion_module *module;
    char *name;
    int resolved[ORION_MAX_DEVICES];
    orv_function_info info[ORION_MAX_DEVICES];
};

/* Packs a launch's arguments by the kernel's layout into buf (ORV_MAX_PARAM_BYTES): one pointer per
 * parameter (args), or a packed buffer taken as it is (packed, at least the layout's length). */
int pack_arguments(const orv_function_info *info, const char *kernel, void **args, const void *packed, size_t packed_len,
                   uint8_t *buf, size_t *n);

/* The module's handle on dev, loading it there first if needed. */
int module_handle(orion_module *m, int dev, uint64_t *handle);

/* ---- memory tables (memory.c) ----------------------------------------------------------------- */
void mem_add_global(int dev, uint64_t base, size_t size);
/* Checks that [ptr, ptr+n) lies in one allocation or global of dev (what the server will check);
 * OR_INVALID_VALUE naming the range otherwise. */
int mem_check_device_range(int dev, uint64_t ptr, size_t n, const char *what);

/* A CUdevice_attribute from a DEVICE_INFO; 0 when the server did not report it. */
int info_attribute(const orv_device_info *info, int code);
/* Fills d->limits from d->info's attributes. */
void launch_limits_read(orion_device *d);

/* Orders everything on a vGPU's stream before a host-side action (HtoH copies on a stream). */
int exec_sync_for(int dev, orion_stream *s);

#endif
