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
 * Keep the loops identical to GpuBench.java: same kernel, shapes, sizes, buffers (pageable memory
 * 2 MiB-aligned and written once before timing), warm-ups and repetitions.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET; clock_gettime, posix_memalign */
#include <cuda.h>
#include <sched.h>
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

static CUfunction empty;

static void launch(void) {
    CHECK(cuLaunchKernel(empty, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL));
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

    /* queued launches: many in a row, then one synchronize */
    for (int i = 0; i < 2 * launches; i++) launch();
    CHECK(cuCtxSynchronize());
    for (int r = 0; r < reps; r++) {
        double t0 = now_us();
        for (int i = 0; i < launches; i++) launch();
        CHECK(cuCtxSynchronize());
        samples[r] = (now_us() - t0) / launches;
    }
    printf("RESULT c launch_queued 0 %.4f\n", median(samples, reps));

    /* launch + synchronize, one at a time */
    int round_trips = launches / 10;
    for (int i = 0; i < 5 * round_trips; i++) { launch(); CHECK(cuCtxSynchronize()); }
    for (int r = 0; r < reps; r++) {
        double t0 = now_us();
        for (int i = 0; i < round_trips; i++) { launch(); CHECK(cuCtxSynchronize()); }
        samples[r] = (now_us() - t0) / round_trips;
    }
    printf("RESULT c launch_sync 0 %.4f\n", median(samples, reps));
    fflush(stdout);

    /* synchronous copies, pinned and pageable, 4 KiB to max_bytes by 4x */
    CUdeviceptr d;
    void *pinned, *pageable;
    if (posix_memalign(&pageable, 2u << 20, max_bytes) != 0) { fprintf(stderr, "bench.c: no %zu bytes of pageable memory\n", max_bytes); return 1; }
    CHECK(cuMemAlloc(&d, max_bytes));
    CHECK(cuMemAllocHost(&pinned, max_bytes));
    memset(pageable, 1, max_bytes);
    memset(pinned, 1, max_bytes);
    for (int k = 0; k < 4; k++) {   /* as GpuBench, which needs it for the JIT */
        void *host = k < 2 ? pinned : pageable;
        for (int i = 0; i < 20000; i++) {
            if (k % 2 == 0) CHECK(cuMemcpyHtoD(d, host, 4096)); else CHECK(cuMemcpyDtoH(host, d, 4096));
        }
    }
    static const char *names[] = {"h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable"};
    for (size_t size = 4096; size <= max_bytes; size *= 4) {
        int iters = (int) ((64u << 20) / size);
        if (iters < 1) iters = 1;
        if (iters > 1000) iters = 1000;
        for (int k = 0; k < 4; k++) {
            void *host = k < 2 ? pinned : pageable;
            for (int w = 0; w < (size >= (256u << 20) ? 1 : 2) * iters; w++) {
                if (k % 2 == 0) CHECK(cuMemcpyHtoD(d, host, size)); else CHECK(cuMemcpyDtoH(host, d, size));
            }
            int rs = size >= (256u << 20) ? (reps < 5 ? reps : 5) : reps;
            for (int r = 0; r < rs; r++) {
                double t0 = now_us();
                for (int i = 0; i < iters; i++) {
                    if (k % 2 == 0) CHECK(cuMemcpyHtoD(d, host, size)); else CHECK(cuMemcpyDtoH(host, d, size));
                }
                samples[r] = (now_us() - t0) / iters;
            }
            printf("RESULT c %s %zu %.4f\n", names[k], size, median(samples, rs));
            fflush(stdout);
        }
    }
    CHECK(cuMemFreeHost(pinned));
    CHECK(cuMemFree(d));
    free(pageable);
    CHECK(cuCtxDestroy(ctx));
    return 0;
}
