/*
 * Entry points by name (cuGetProcAddress, which the runtime's cudaGetDriverEntryPoint and
 * frameworks use), error names, and the driver's private export table, which only NVIDIA's own
 * CUDA runtime asks for: that is how a program linked statically to NVIDIA's runtime shows itself.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/log.h"
#include "driver/drv.h"

/* Functions whose later versions changed their arguments: which symbol serves which CUDA version. */
static const struct {
    const char *name;
    int since;
    const char *symbol;
} VERSIONED[] = {
    {"cuCtxCreate", 12050, "cuCtxCreate_v4"},
    {"cuCtxCreate", 3020, "cuCtxCreate_v2"},
    {"cuGetProcAddress", 12000, "cuGetProcAddress_v2"},
    {"cuGetProcAddress", 11030, "cuGetProcAddress"},
    {"cuStreamGetCaptureInfo", 12030, "cuStreamGetCaptureInfo_v3"},
    {"cuStreamGetCaptureInfo", 11030, "cuStreamGetCaptureInfo_v2"},
};

static void *self_handle(void) {
    static void *h;
    if (!h) {
        Dl_info info;
        if (dladdr((void *)cuGetProcAddress_v2, &info) && info.dli_fname) h = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    }
    return h;
}

/* The address of symbol in this library, or NULL. */
static void *own(const char *symbol) {
    void *h = self_handle();
    if (!h) return NULL;
    void *p = dlsym(h, symbol);
    if (!p) return NULL;
    Dl_info a, b;
    /* dlsym may find the name in another library loaded after this one: only this library's count */
    if (!dladdr(p, &a) || !dladdr((void *)cuGetProcAddress_v2, &b) || a.dli_fbase != b.dli_fbase) return NULL;
    return p;
}

static void *lookup(const char *name, int version) {
    for (size_t i = 0; i < sizeof VERSIONED / sizeof VERSIONED[0]; i++)
        if (!strcmp(VERSIONED[i].name, name) && version >= VERSIONED[i].since) return own(VERSIONED[i].symbol);
    /* otherwise the newest version: later versions of the rest kept their arguments */
    static const char *const suffixes[] = {"_v4", "_v3", "_v2", ""};
    char sym[256];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if ((size_t)snprintf(sym, sizeof sym, "%s%s", name, suffixes[i]) >= sizeof sym) return NULL;
        void *p = own(sym);
        if (p) return p;
    }
    return NULL;
}

DRV_API CUresult cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
                                  CUdriverProcAddressQueryResult *symbolStatus) {
    if (!symbol || !pfn) return CUDA_ERROR_INVALID_VALUE;
    /* per-thread default stream variants are served by the same functions (see docs/client.md) */
    void *p = strncmp(symbol, "cu", 2) ? NULL : lookup(symbol, cudaVersion);
    *pfn = p;
    if (symbolStatus) *symbolStatus = p ? CU_GET_PROC_ADDRESS_SUCCESS : CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    if (!p) OLOG_D("cuGetProcAddress: no %s in this client", symbol);
    return p ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}

/* CUDA 11.3 to 12.4 programs call the first version, without the status. */
DRV_API CUresult drv_get_proc_address_v1(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags)
    __asm__("cuGetProcAddress");
DRV_API CUresult drv_get_proc_address_v1(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags) {
    return cuGetProcAddress_v2(symbol, pfn, cudaVersion, flags, NULL);
}

DRV_API CUresult cuGetErrorName(CUresult error, const char **pStr) {
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    *pStr = orion_error_name(orion_driver_error_names, (int)error);
    return *pStr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

DRV_API CUresult cuGetErrorString(CUresult error, const char **pStr) {
    if (!pStr) return CUDA_ERROR_INVALID_VALUE;
    if (!orion_error_name(orion_driver_error_names, (int)error)) {
        *pStr = NULL;
        return CUDA_ERROR_INVALID_VALUE;
    }
    *pStr = orion_error_description(orion_driver_error_names, (int)error);
    return CUDA_SUCCESS;
}

/* Where NVIDIA's runtime came from: a shared libcudart mapped into the process, or else the program itself. */
static void nvidia_runtime_origin(char *out, size_t cap) {
    out[0] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[4096];
    Dl_info me;
    const char *mine = dladdr((void *)cuGetErrorName, &me) ? me.dli_fname : "";
    const char *slash = strrchr(mine, '/');
    size_t dirlen = slash ? (size_t)(slash - mine) : 0;
    while (fgets(line, sizeof line, maps)) {
        char *path = strchr(line, '/');
        if (!path || !strstr(path, "libcudart.so")) continue;
        path[strcspn(path, "\n")] = 0;
        if (dirlen && !strncmp(path, mine, dirlen)) continue; /* ours */
        snprintf(out, cap, "%s", path);
        break;
    }
    fclose(maps);
}

DRV_API CUresult cuGetExportTable(const void **ppExportTable, const CUuuid *pExportTableId) {
    char prog[1024] = "?", origin[2048];
    ssize_t n = readlink("/proc/self/exe", prog, sizeof prog - 1);
    if (n > 0) prog[n] = 0;
    nvidia_runtime_origin(origin, sizeof origin);
    if (origin[0])
        olog_once("cuGetExportTable", OLOG_ERROR,
                  "%s loaded NVIDIA's CUDA runtime %s instead of Orion's (an RPATH/RUNPATH in the program or a library "
                  "wins over orion-run's library path); Orion forwards the CUDA runtime API, so remove that path or "
                  "replace the library", prog, origin);
    else
        olog_once("cuGetExportTable", OLOG_ERROR,
                  "%s is statically linked to the CUDA runtime (libcudart_static.a, nvcc's default): Orion forwards the "
                  "shared CUDA runtime's API, like every API-remoting system, and cannot serve it. Rebuild the program "
                  "with 'nvcc -cudart shared' (or link -lcudart instead of -lcudart_static)", prog);
    if (ppExportTable) *ppExportTable = NULL;
    return CUDA_ERROR_NOT_SUPPORTED;
}
