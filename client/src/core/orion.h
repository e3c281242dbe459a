/*
 * The client core: vGPUs, memory, copies, streams, events, modules and launches, forwarded to
 * the servers. It lives in libcuda.so.1 and is shared by the driver API there and by the runtime
 * API in libcudart.so.*, so a program that mixes both sees one set of vGPUs and one state.
 *
 * Every function returns a CUresult (0 = success). Handles the program passes in are looked up
 * before use: an unknown one is refused with CUDA's own error, never dereferenced.
 */
#ifndef ORION_CORE_H
#define ORION_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define ORION_API __attribute__((visibility("default")))
#define ORION_MAX_DEVICES 64

/* CUresult codes the core returns (values from cuda.h, kept here so this header needs no CUDA). */
enum {
    OR_SUCCESS = 0,
    OR_INVALID_VALUE = 1,
    OR_OUT_OF_MEMORY = 2,
    OR_NOT_INITIALIZED = 3,
    OR_DEINITIALIZED = 4,
    OR_NO_DEVICE = 100,
    OR_INVALID_DEVICE = 101,
    OR_INVALID_IMAGE = 200,
    OR_INVALID_CONTEXT = 201,
    OR_INVALID_HANDLE = 400,
    OR_NOT_FOUND = 500,
    OR_NOT_READY = 600,
    OR_ILLEGAL_ADDRESS = 700,
    OR_NOT_PERMITTED = 800,
    OR_NOT_SUPPORTED = 801,
    OR_UNKNOWN = 999,
};

typedef struct orion_ctx orion_ctx;
typedef struct orion_stream orion_stream;
typedef struct orion_event orion_event;
typedef struct orion_module orion_module;
typedef struct orion_function orion_function;

/* ---- vGPUs ------------------------------------------------------------------------------------ */

/* Gets the vGPUs (once per process; later calls return the first result). */
ORION_API int orion_init(void);
/* 1 once orion_init has run (successfully or not); never starts it. */
ORION_API int orion_init_done(void);
/* Why orion_init failed, for messages. */
ORION_API const char *orion_init_error(void);
ORION_API int orion_device_count(void);
/* The cached DEVICE_INFO of a vGPU, or NULL for a bad ordinal. */
ORION_API const orv_device_info *orion_device_info(int dev);
/* A CUdevice_attribute; attributes the server did not report read 0. */
ORION_API int orion_device_attribute(int dev, int code, int *value);
/* The transport a vGPU is reached through ("shm", "rdma" or "tcp"). */
ORION_API const char *orion_device_transport(int dev);
ORION_API int orion_device_sync(int dev);
/* Free and total memory of a vGPU: its quota, as the server accounts it. */
ORION_API int orion_mem_info(int dev, size_t *free_bytes, size_t *total_bytes);

/* ---- contexts: the runtime's current device is the current context's device ---------------------- */

ORION_API orion_ctx *orion_ctx_primary(int dev);
ORION_API orion_ctx *orion_ctx_current(void);
ORION_API void orion_ctx_set_current(orion_ctx *c);
ORION_API int orion_ctx_push(orion_ctx *c);
ORION_API int orion_ctx_pop(orion_ctx **out);
ORION_API int orion_ctx_create(int dev, unsigned flags, orion_ctx **out);
ORION_API int orion_ctx_destroy(orion_ctx *c);
/* 1 when c is a live context. */
ORION_API int orion_ctx_valid(const orion_ctx *c);
ORION_API int orion_ctx_device(const orion_ctx *c);
ORION_API unsigned orion_ctx_flags(const orion_ctx *c);
ORION_API void orion_ctx_set_flags(orion_ctx *c, unsigned flags);
/* The device of the calling thread's current context; -1 when there is none. */
ORION_API int orion_current_device(void);

/* ---- memory ----------------------------------------------------------------------------------- */

ORION_API int orion_malloc(int dev, size_t bytes, uint64_t *ptr);
ORION_API int orion_free(uint64_t ptr);
/* 1 when ptr lies in a device allocation or a module global (dev's tried first), with its vGPU and extent. */
ORION_API int orion_device_pointer(uint64_t ptr, int prefer_dev, int *dev, uint64_t *base, size_t *size);
/* Pinned host memory: in the shared region of dev's connection when it has one (zero copy). */
ORION_API int orion_host_alloc(int dev, size_t bytes, unsigned flags, void **out);
ORION_API int orion_host_free(void *p);
/* 1 when p lies in pinned host memory (allocated or registered), with its extent and flags. */
ORION_API int orion_host_lookup(const void *p, void **base, size_t *size, unsigned *flags);
ORION_API int orion_host_register(void *p, size_t bytes, unsigned flags);
ORION_API int orion_host_unregister(void *p);

/* ---- copies ----------------------------------------------------------------------------------- */

enum orion_copy_kind { ORION_H2H = 0, ORION_H2D = 1, ORION_D2H = 2, ORION_D2D = 3, ORION_DEFAULT = 4 };

/*
 * A copy as cudaMemcpy[Async] makes it: kind says which side is the device (ORION_DEFAULT: look
 * the pointers up). async = 0 returns when the copy is done (and raises pending asynchronous
 * errors); async = 1 queues it on the stream where the data allows. s == NULL: the default stream
 * of the device the pointers belong to.
 */
ORION_API int orion_memcpy(void *dst, const void *src, size_t n, int kind, orion_stream *s, int async);
/* Between two vGPUs (staged through this process when they are different contexts). */
ORION_API int orion_memcpy_peer(uint64_t dst, int dst_dev, uint64_t src, int src_dev, size_t n, orion_stream *s, int async);
/* Rows of width bytes, height of them, with their pitches. */
ORION_API int orion_memcpy_2d(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                              int kind, orion_stream *s, int async);
/* Sets bytes; element sizes 2 and 4 repeat a pattern (cuMemsetD16/D32). */
ORION_API int orion_memset(uint64_t dst, const void *pattern, size_t elem, size_t count, orion_stream *s, int async);
ORION_API int orion_memset_2d(uint64_t dst, size_t pitch, const void *pattern, size_t elem, size_t width_elems,
                              size_t height, orion_stream *s, int async);

/* ---- streams and events -------------------------------------------------------------------------- */

/* Stream handles 0, 0x1 (legacy) and 0x2 (per thread) are the default stream of the current device. */
#define ORION_STREAM_IS_DEFAULT(h) ((uintptr_t)(h) <= 2)

ORION_API int orion_stream_create(int dev, unsigned flags, int priority, orion_stream **out);
ORION_API int orion_stream_destroy(orion_stream *s);
/* The stream behind a handle: 0 with *out NULL for a default stream, OR_INVALID_HANDLE for an unknown one. */
ORION_API int orion_stream_lookup(const void *handle, orion_stream **out);
ORION_API int orion_stream_device(const orion_stream *s);
ORION_API unsigned orion_stream_flags(const orion_stream *s);
ORION_API int orion_stream_priority(const orion_stream *s);
/* Synchronize / query a stream (NULL: dev's default stream, which waits for the whole device). */
ORION_API int orion_stream_sync(int dev, orion_stream *s);
ORION_API int orion_stream_query(int dev, orion_stream *s);
ORION_API int orion_stream_wait_event(int dev, orion_stream *s, orion_event *e);

ORION_API int orion_event_create(int dev, unsigned flags, orion_event **out);
ORION_API int orion_event_destroy(orion_event *e);
ORION_API int orion_event_lookup(const void *handle, orion_event **out);
ORION_API int orion_event_record(orion_event *e, int dev, orion_stream *s);
ORION_API int orion_event_query(orion_event *e);
ORION_API int orion_event_sync(orion_event *e);
ORION_API int orion_event_elapsed(float *ms, orion_event *start, orion_event *end);

/* ---- modules, kernels, globals ------------------------------------------------------------------ */

/*
 * A module from an image (PTX text, cubin or fat binary). home_dev >= 0 loads it there now (the
 * driver API: errors come at once); -1 loads it lazily on each vGPU that uses it (the runtime's
 * registered fat binaries). copy = 0 uses the caller's bytes, which must outlive the module.
 */
ORION_API int orion_module_create(const void *image, size_t size, int home_dev, int copy, orion_module **out);
ORION_API int orion_module_unload(orion_module *m);
ORION_API int orion_module_lookup(const void *handle, orion_module **out);
ORION_API int orion_module_home(const orion_module *m);
/* A kernel of the module, by its (mangled) name; resolved on the home vGPU when there is one. */
ORION_API int orion_module_function(orion_module *m, const char *name, orion_function **out);
ORION_API int orion_function_lookup(const void *handle, orion_function **out);
ORION_API const char *orion_function_name(const orion_function *f);
ORION_API orion_module *orion_function_module(const orion_function *f);
/* The vGPU a launch of f goes to: its module's home, else the given one. */
ORION_API int orion_function_device(const orion_function *f, int dev);
/* The parameter layout on dev (asked once per vGPU, then cached). */
ORION_API int orion_function_layout(orion_function *f, int dev, const orv_function_info **info);
ORION_API int orion_function_attributes(orion_function *f, int dev, orv_function_attributes *out);
ORION_API int orion_occupancy(orion_function *f, int dev, int block_size, size_t dynamic_shared, int *blocks);
/* A global of the module on dev: its device address and size. */
ORION_API int orion_module_global(orion_module *m, const char *name, int dev, uint64_t *address, size_t *size);

/*
 * Launches f on dev. Arguments come either as args (one pointer per parameter, as CUDA passes
 * them) or as one packed buffer (packed, packed_len: cuLaunchKernel's "extra"). Dimensions and
 * shared memory are checked against the vGPU's limits first.
 */
ORION_API int orion_launch(orion_function *f, int dev, const unsigned grid[3], const unsigned block[3],
                           unsigned shared_bytes, orion_stream *s, void **args, const void *packed, size_t packed_len);

/* Whether a launch configuration fits the vGPU's limits (threads, block and grid dimensions,
 * shared memory); 0 with the reason noted (orion_last_message) when it does not. */
ORION_API int orion_launch_config_ok(int dev, const unsigned grid[3], const unsigned block[3], unsigned shared_bytes);

/* ---- errors -------------------------------------------------------------------------------------- */

/* The server's words for the last failure on this thread (for logs; may be empty). */
ORION_API const char *orion_last_message(void);

/* Logs once that a CUDA call is not implemented by this client; returns OR_NOT_SUPPORTED. */
ORION_API int orion_unsupported(const char *api);

#endif
