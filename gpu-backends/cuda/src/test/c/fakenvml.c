/*
 * A fake libnvidia-ml.so.1 for the telemetry tests: the nine NVML functions the backend binds, with
 * fixed readings that change per call so a test can see sampling progress. nvml.h is not on build
 * machines (it comes from Debian non-free, see docs/cuda-backend.md), so the few types are declared
 * here with the ABI of nvml.h 12.4: nvmlReturn_t is an int enum, handles are pointers, and the
 * structs are nvmlUtilization_t {uint gpu, memory}, nvmlMemory_t {ull total, free, used} and
 * nvmlProcessInfo_t {uint pid; ull usedGpuMemory; uint gpuInstanceId, computeInstanceId}.
 *
 * The fake knows the two GPUs of fakecuda.c by UUID; the second reports no power reading
 * (NVML_ERROR_NOT_SUPPORTED), as boards without a power sensor do.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

typedef int nvmlReturn_t;
enum { NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2, NVML_ERROR_NOT_SUPPORTED = 3,
       NVML_ERROR_INSUFFICIENT_SIZE = 7, NVML_ERROR_NOT_FOUND = 6 };
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_t;

struct nvmlDevice_st { int index; };
static struct nvmlDevice_st devices[2] = { {0}, {1} };
static int initialised;
static unsigned int samples;

EXPORT unsigned int fakenvml_samples(void) { return __atomic_load_n(&samples, __ATOMIC_RELAXED); }

EXPORT nvmlReturn_t nvmlInit_v2(void) { initialised++; return NVML_SUCCESS; }

EXPORT nvmlReturn_t nvmlShutdown(void) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    initialised--;
    return NVML_SUCCESS;
}

EXPORT const char *nvmlErrorString(nvmlReturn_t r) {
    switch (r) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    default: return "Unknown Error";
    }
}

/* The UUIDs fakecuda.c reports: bytes f0..fe, the last byte the ordinal. */
EXPORT nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
    if (!initialised) return NVML_ERROR_UNINITIALIZED;
    if (!uuid || !device) return NVML_ERROR_INVALID_ARGUMENT;
    for (int i = 0; i < 2; i++) {
        char expect[64];
        snprintf(expect, sizeof expect, "GPU-f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfe%02x", i);
        if (strcmp(uuid, expect) == 0) { *device = &devices[i]; return NVML_SUCCESS; }
    }
    return NVML_ERROR_NOT_FOUND;
}

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
    if (!d || !u) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int n = __atomic_add_fetch(&samples, 1, __ATOMIC_RELAXED);
    u->gpu = 40 + d->index + n % 2;   /* 40/41 on GPU 0 */
    u->memory = 20 + d->index;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m) {
    if (!d || !m) return NVML_ERROR_INVALID_ARGUMENT;
    m->total = 16ull << 30;
    m->used = (64ull << 20) * (unsigned long long) (d->index + 1);
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int *t) {
    if (!d || !t || sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
    *t = 35 + (unsigned) d->index;
    return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw) {
    if (!d || !mw) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->index == 1) return NVML_ERROR_NOT_SUPPORTED;
    *mw = 123456;
    return NVML_SUCCESS;
}

/* GPU 0 runs 40 processes, more than a first small array holds, to exercise the INSUFFICIENT_SIZE retry;
 * the last is the calling process, with 256 MiB, as NVML lists a process that holds a context. */
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
    if (!d || !count) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int have = d->index == 0 ? 40 : 1;
    if (*count < have) { *count = have; return NVML_ERROR_INSUFFICIENT_SIZE; }
    for (unsigned int i = 0; i < have; i++) {
        infos[i].pid = 1000 + i;
        infos[i].usedGpuMemory = (unsigned long long) (i + 1) << 20;
        infos[i].gpuInstanceId = infos[i].computeInstanceId = 0xffffffffu;
    }
    if (d->index == 0) {
        infos[have - 1].pid = (unsigned int) getpid();
        infos[have - 1].usedGpuMemory = 256ull << 20;
    }
    *count = have;
    return NVML_SUCCESS;
}
