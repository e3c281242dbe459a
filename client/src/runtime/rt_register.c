/*
 * What nvcc's generated code calls before main: every translation unit registers its fat binary,
 * then each kernel (host stub address -> device name) and each __device__/__constant__ variable
 * (host shadow address -> device name). Nothing reaches a server here: a fat binary is loaded on
 * a vGPU the first time one of its kernels or variables is used there, so a program that never
 * calls CUDA never asks for a vGPU.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "runtime/ptrmap.h"
#include "runtime/rt.h"

#define FATBINC_MAGIC 0x466243b1
#define FATBIN_MAGIC 0xBA55ED50u

/* What nvcc puts in .nvFatBinSegment for each translation unit. */
typedef struct {
    int magic;
    int version;
    const unsigned long long *data;
    void *filename_or_fatbins;
} fatbin_wrapper;

/* The handle given back to the program; its first word is what CUDA's own handle points at. */
typedef struct rt_fatbin {
    void *first;
    orion_module *module;   /* NULL when the image could not be used (logged) */
    int unregistered;
} rt_fatbin;

typedef struct rt_variable_entry {
    orion_module *module;
    char *name;
    size_t size;
} rt_variable_entry;

static ptrmap kernels = PTRMAP_INIT;     /* host stub -> orion_function */
static ptrmap variables = PTRMAP_INIT;   /* host shadow -> rt_variable_entry */
static ptrmap fatbins = PTRMAP_INIT;     /* handle -> itself, to check handles coming back */

orion_function *rt_kernel(const void *host_fun) { return ptrmap_get(&kernels, host_fun); }

int rt_variable(const void *host_var, orion_module **module, const char **name, size_t *size) {
    rt_variable_entry *v = ptrmap_get(&variables, host_var);
    if (!v) return 0;
    *module = v->module;
    *name = v->name;
    *size = v->size;
    return 1;
}

static rt_fatbin *fatbin_of(void **handle) {
    rt_fatbin *f = ptrmap_get(&fatbins, handle);
    if (!f) OLOG_W("a registration names fat binary handle %p, which this runtime did not hand out", (void *)handle);
    return f;
}

RT_API void **__cudaRegisterFatBinary(void *fatCubin) {
    rt_fatbin *f = calloc(1, sizeof *f);
    if (!f) {
        OLOG_E("out of memory registering a fat binary");
        return NULL;
    }
    const fatbin_wrapper *w = fatCubin;
    if (!w || w->magic != FATBINC_MAGIC || !w->data) {
        OLOG_E("a fat binary with an unknown wrapper (magic 0x%x): its kernels cannot run", w ? (unsigned)w->magic : 0);
    } else {
        unsigned magic;
        memcpy(&magic, w->data, 4);
        if (magic != FATBIN_MAGIC) {
            OLOG_E("a fat binary without the fatbin header (0x%x): its kernels cannot run", magic);
        } else {
            /* the image stays in the program's own read-only data for the life of the process */
            int rc = orion_module_create(w->data, 0, -1, 0, &f->module);
            if (rc) OLOG_E("cannot register a fat binary (%d): %s", rc, orion_last_message());
        }
    }
    ptrmap_put(&fatbins, f, f);
    return (void **)f;
}

RT_API void __cudaRegisterFatBinaryEnd(void **fatCubinHandle) { (void)fatCubinHandle; }

static int owned_by(void *value, void *ctx) { return orion_function_module(value) == ctx; }

static int var_owned_by(void *value, void *ctx) { return ((rt_variable_entry *)value)->module == ctx; }

/* At exit (nvcc registers this with atexit): forget the binary's kernels and variables. The
 * sessions may already have ended, so the module is only dropped here, never sent anywhere. */
RT_API void __cudaUnregisterFatBinary(void **fatCubinHandle) {
    rt_fatbin *f = fatbin_of(fatCubinHandle);
    if (!f || f->unregistered) return;
    f->unregistered = 1;
    if (f->module) {
        ptrmap_remove_if(&kernels, owned_by, f->module);
        ptrmap_remove_if(&variables, var_owned_by, f->module);
        orion_module_unload(f->module);
        f->module = NULL;
    }
}

RT_API void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun, const char *deviceName,
                                   int thread_limit, uint3 *tid, uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize) {
    rt_fatbin *f = fatbin_of(fatCubinHandle);
    if (!f || !f->module || !deviceName) return;
    orion_function *fn;
    if (orion_module_function(f->module, deviceName, &fn) || ptrmap_put(&kernels, hostFun, fn))
        OLOG_E("cannot register kernel %s", deviceName);
}

RT_API void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress, const char *deviceName, int ext,
                              size_t size, int constant, int global) {
    rt_fatbin *f = fatbin_of(fatCubinHandle);
    if (!f || !f->module || !deviceName) return;
    rt_variable_entry *v = calloc(1, sizeof *v);
    if (!v || !(v->name = strdup(deviceName)) || ptrmap_put(&variables, hostVar, v)) {
        OLOG_E("cannot register variable %s", deviceName);
        if (v) free(v->name);
        free(v);
        return;
    }
    v->module = f->module;
    v->size = size;
}

RT_API void __cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
                                     const char *deviceName, int ext, size_t size, int constant, int global) {
    olog_once("__cudaRegisterManagedVar", OLOG_ERROR,
              "managed variable %s: unified (managed) memory cannot span the network; the program will not work", deviceName);
}

RT_API char __cudaInitModule(void **fatCubinHandle) {
    /* only called to set up managed variables, which this client does not support */
    return 0;
}

/* ---- call configuration of <<<grid, block, shared, stream>>> -------------------------------------- */

#define CONFIG_DEPTH 16

typedef struct {
    dim3 grid, block;
    size_t shared;
    void *stream;
} call_config;

static __thread call_config configs[CONFIG_DEPTH];
static __thread int config_depth;

RT_API unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem, struct CUstream_st *stream) {
    if (config_depth >= CONFIG_DEPTH) return 1;
    configs[config_depth++] = (call_config){gridDim, blockDim, sharedMem, stream};
    return 0;
}

RT_API cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem, void *stream) {
    if (config_depth == 0) return rt_error(cudaErrorMissingConfiguration);
    call_config c = configs[--config_depth];
    *gridDim = c.grid;
    *blockDim = c.block;
    *sharedMem = c.shared;
    *(void **)stream = c.stream;
    return cudaSuccess;
}

RT_API struct cudaChannelFormatDesc cudaCreateChannelDesc(int x, int y, int z, int w, enum cudaChannelFormatKind f) {
    struct cudaChannelFormatDesc d = {x, y, z, w, f};
    return d;
}
