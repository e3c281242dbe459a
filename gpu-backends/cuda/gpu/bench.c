/*
 * The same operations as GpuBench, called on the CUDA driver directly from C: the baseline the
 * cuda backend is measured against. Built by run.sh with gcc and -lcuda; prints one line per
 * measurement, "RESULT c <op> <bytes> <microseconds per operation>", each the median of reps.
 *
 *   bench KERNELS.cubin [MAX_BYTES [LAUNCHES [REPS [CPU]]]]
 *
 * CPU: pin the measuring thread to that CPU once the context and module exist (GpuBench --cpu
 * does the same at the same point), so both sides are timed on the same core.
 *
 * The operation loops are in bench_loops.c, which GpuBench also loads into the JVM. Keep the rest
 * identical to GpuBench.java: same sizes, buffers (pageable memory 2 MiB-aligned and written once
 * before timing), warm-ups and repetitions.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET; clock_gettime, posix_memalign */
#include <cuda.h>
#include <sched.h>
#include "bench_loops.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call) do { CUresult r_ = (call); if (r_ != CUDA_SUCCESS) { \
    const char *n_ = NULL; cuGetErrorName(r_, &n_); \
    fprintf(stderr, "bench.c:%d: %s failed: %s (%d)\n", __LINE__, #call, n_ ? n_ : "?", (int) r_); exit(1); } } while (0)

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t) n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t) n + 1);
    if (fread(data, 1, (size_t) n, f) != (size_t) n) { perror(path); exit(1); }
    data[n] = 0;
    fclose(f);
    return data;
}

/* One row: warm-up, then reps timed repetitions of `iterations` operations; prints the median per operation. */
#define ROW(op, bytes, iterations, warm, rs, call)                                              \
    do {                                                                                         \
        int rc_ = 0;                                                                             \
        if ((warm) > 0) { int n = (warm); rc_ = (call); }                                        \
        for (int r = 0; rc_ == 0 && r < (rs); r++) {                                             \
            int n = (iterations);                                                                \
            double t0 = now_us();                                                                \
            rc_ = (call);                                                                        \
            samples[r] = (now_us() - t0) / n;                                                    \
        }                                                                                        \
        if (rc_ != 0) fail(op, rc_);                                                             \
        printf("RESULT c %s %zu %.4f\n", op, (size_t) (bytes), median(samples, rs));             \
        fflush(stdout);                                                                          \
    } while (0)

static void fail(const char *op, int rc) {
    const char *name = NULL;
    cuGetErrorName((CUresult) rc, &name);
    fprintf(stderr, "bench.c: %s failed: %s (%d)\n", op, name ? name : "?", rc);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s KERNELS.cubin [MAX_BYTES [LAUNCHES [REPS [CPU]]]]\n", argv[0]); return 2; }
    size_t max_bytes = argc > 2 ? strtoull(argv[2], NULL, 10) : 1ull << 30;
    int launches = argc > 3 ? atoi(argv[3]) : 20000;
    int reps = argc > 4 ? atoi(argv[4]) : 7;
    double samples[64];
    if (reps > 64) reps = 64;

    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction empty;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
#if CUDA_VERSION >= 13000 /* CUDA 13 made cuCtxCreate the 4-argument _v4 */
    CHECK(cuCtxCreate(&ctx, NULL, 0, dev));   /* cuCtxCreate_v4, as the backend: no creation parameters */
#else
    CHECK(cuCtxCreate(&ctx, 0, dev));
#endif
    void *image = read_file(argv[1]);
    CHECK(cuModuleLoadDataEx(&mod, image, 0, NULL, NULL));
    CHECK(cuModuleGetFunction(&empty, mod, "orion_empty"));
    if (argc > 5) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(atoi(argv[5]), &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) { perror("sched_setaffinity"); return 1; }
        printf("bench: measuring thread pinned to CPU %d\n", atoi(argv[5]));
    }

    /* queued launches: many in a row, then one synchronize; then launch + synchronize, one at a time */
    ROW("launch_queued", 0, launches, 2 * launches, reps, orion_bench_launch_queued(empty, n));
    int round_trips = launches / 10;
    ROW("launch_sync", 0, round_trips, 5 * round_trips, reps, orion_bench_launch_sync(empty, n));

    /* synchronous copies, pinned and pageable, 4 KiB to max_bytes by 4x */
    CUdeviceptr d;
    void *pinned, *pageable;
    if (posix_memalign(&pageable, 2u << 20, max_bytes) != 0) { fprintf(stderr, "bench.c: no %zu bytes of pageable memory\n", max_bytes); return 1; }
    CHECK(cuMemAlloc(&d, max_bytes));
    CHECK(cuMemAllocHost(&pinned, max_bytes));
    memset(pageable, 1, max_bytes);
    memset(pinned, 1, max_bytes);
    for (int k = 0; k < 4; k++) {   /* as GpuBench, which needs it for the JIT */
        int rc = orion_bench_copy(k % 2 == 0, d, k < 2 ? pinned : pageable, 4096, 20000);
        if (rc != 0) fail("copy warm-up", rc);
    }
    static const char *names[] = {"h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable"};
    for (size_t size = 4096; size <= max_bytes; size *= 4) {
        int iters = (int) ((64u << 20) / size);
        if (iters < 1) iters = 1;
        if (iters > 1000) iters = 1000;
        int huge = size >= (256u << 20);
        for (int k = 0; k < 4; k++) {
            void *host = k < 2 ? pinned : pageable;
            ROW(names[k], size, iters, (huge ? 1 : 2) * iters, huge ? (reps < 5 ? reps : 5) : reps,
                orion_bench_copy(k % 2 == 0, d, host, size, n));
        }
    }
    CHECK(cuMemFreeHost(pinned));
    CHECK(cuMemFree(d));
    free(pageable);
    CHECK(cuCtxDestroy(ctx));
    return 0;
}
