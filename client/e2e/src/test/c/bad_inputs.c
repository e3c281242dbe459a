/*
 * Bad inputs, end to end (client/e2e FailuresTest): every call below gets CUDA's own error code,
 * neither the program nor the server falls over, and the session works as before afterwards.
 * Built by client/Makefile into target/e2e/ with the shared CUDA runtime, run through orion-run.
 *
 *   bad_inputs FATBIN      FATBIN: samples/target/kernels/vector_add.fatbin (its kernel vector_add)
 *
 * It runs only on Orion: natively a made-up or destroyed handle is undefined behaviour (the
 * driver may dereference it and crash), which is exactly what Orion must not do. Each check
 * prints what it expected and what it got when they differ; the program ends with
 * "bad_inputs: ok" (exit 0), or with the number of wrong answers (exit 1).
 */
#include <cuda_runtime_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int wrong;

/* One bad call: it must fail with exactly `want`, and leave that error as the last one. */
static void expect(cudaError_t got, cudaError_t want, const char *what) {
    cudaError_t last = cudaGetLastError(); /* also clears it for the next check */
    if (got != want) {
        fprintf(stderr, "bad_inputs: %s answered %s, expected %s\n", what, cudaGetErrorName(got), cudaGetErrorName(want));
        wrong++;
    } else if (last != want) {
        fprintf(stderr, "bad_inputs: after %s the last error is %s, expected %s\n", what, cudaGetErrorName(last), cudaGetErrorName(want));
        wrong++;
    }
}

#define EXPECT_ERR(call, want) expect((call), (want), #call)

#define CHECK(call)                                                                        \
    do {                                                                                   \
        cudaError_t e_ = (call);                                                           \
        if (e_ != cudaSuccess) {                                                           \
            fprintf(stderr, "bad_inputs: %s failed: %s\n", #call, cudaGetErrorName(e_)); \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

static void *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *b = n > 0 ? malloc((size_t)n) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

/* A handle no call ever handed out (not 0, cudaStreamLegacy (1) nor cudaStreamPerThread (2)). */
#define MADE_UP ((void *)(uintptr_t)0x7fdeadbe0000ull)
/* An address inside no allocation. */
#define WILD ((void *)(uintptr_t)0x7fdeadbe0000ull)

static void bad_streams(void) {
    cudaStream_t made_up = (cudaStream_t)MADE_UP, gone;
    EXPECT_ERR(cudaStreamSynchronize(made_up), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamQuery(made_up), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamDestroy(made_up), cudaErrorInvalidResourceHandle);
    if (cudaStreamCreate(&gone) != cudaSuccess || cudaStreamDestroy(gone) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cannot create and destroy a stream\n");
        wrong++;
        return;
    }
    EXPECT_ERR(cudaStreamSynchronize(gone), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamQuery(gone), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamDestroy(gone), cudaErrorInvalidResourceHandle);
    char host[64];
    EXPECT_ERR(cudaMemcpyAsync(host, host + 32, 16, cudaMemcpyHostToHost, gone), cudaErrorInvalidResourceHandle);
}

static void bad_events(void) {
    cudaEvent_t made_up = (cudaEvent_t)MADE_UP, gone, good;
    float ms;
    EXPECT_ERR(cudaEventRecord(made_up, 0), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventSynchronize(made_up), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventQuery(made_up), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventDestroy(made_up), cudaErrorInvalidResourceHandle);
    if (cudaEventCreate(&good) != cudaSuccess || cudaEventRecord(good, 0) != cudaSuccess ||
        cudaEventCreate(&gone) != cudaSuccess || cudaEventDestroy(gone) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cannot create, record and destroy events\n");
        wrong++;
        return;
    }
    EXPECT_ERR(cudaEventRecord(gone, 0), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventSynchronize(gone), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventQuery(gone), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventElapsedTime(&ms, good, gone), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaStreamWaitEvent(0, gone, 0), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaEventDestroy(gone), cudaErrorInvalidResourceHandle);
    cudaEvent_t never, untimed;
    if (cudaEventCreate(&never) == cudaSuccess && cudaEventCreateWithFlags(&untimed, cudaEventDisableTiming) == cudaSuccess &&
        cudaEventRecord(untimed, 0) == cudaSuccess && cudaEventSynchronize(good) == cudaSuccess) {
        EXPECT_ERR(cudaEventElapsedTime(&ms, good, never), cudaErrorInvalidResourceHandle); /* never recorded */
        EXPECT_ERR(cudaEventElapsedTime(&ms, good, untimed), cudaErrorInvalidResourceHandle); /* no timing */
        cudaEventDestroy(never);
        cudaEventDestroy(untimed);
    } else {
        fprintf(stderr, "bad_inputs: cannot create and record events\n");
        wrong++;
    }
    cudaEventDestroy(good);
}

/* dev: an allocation of n bytes. */
static void bad_pointers(char *dev, size_t n) {
    static char host[1 << 16];
    char *past = dev + n - 16; /* 16 bytes left: a copy of 64 runs off the end */
    EXPECT_ERR(cudaMemcpy(WILD, host, 64, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(host, WILD, 64, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(WILD, dev, 64, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(dev, WILD, 64, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(past, host, 64, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(host, past, 64, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(past, dev, 64, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy(dev, host, n + 1, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpyAsync(past, host, 64, cudaMemcpyHostToDevice, 0), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemset(WILD, 0, 64), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemset(past, 0, 64), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemset(dev, 0, n + 1), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemsetAsync(past, 0, 64, 0), cudaErrorInvalidValue);
    /* rows of 256 bytes 512 apart: the allocation holds n / 512 of them, one more runs off its end;
     * a refused 2D copy or memset writes nothing, not the rows that would have fitted */
    size_t rows = n / 512 + 1;
    char *rows_host = calloc(rows, 512); /* room for every row: a wrong answer must not overrun it */
    if (!rows_host) return;
    if (cudaMemset(dev, 0x5A, n) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cudaMemset of the whole allocation failed\n");
        wrong++;
    }
    EXPECT_ERR(cudaMemcpy2D(dev, 512, rows_host, 256, 256, rows, cudaMemcpyHostToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemset2D(dev, 512, 0, 256, rows), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2D(rows_host, 256, dev, 512, 256, rows, cudaMemcpyDeviceToHost), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2D(dev, 512, dev + 256, 512, 256, rows, cudaMemcpyDeviceToDevice), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpy2DAsync(dev, 512, rows_host, 256, 256, rows, cudaMemcpyHostToDevice, 0), cudaErrorInvalidValue);
    free(rows_host);
    unsigned char first[256];
    if (cudaMemcpy(first, dev, sizeof first, cudaMemcpyDeviceToHost) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cannot read the allocation back\n");
        wrong++;
    } else {
        for (size_t i = 0; i < sizeof first; i++) {
            if (first[i] != 0x5A) {
                fprintf(stderr, "bad_inputs: a refused 2D copy or memset wrote byte %zu (0x%02x)\n", i, first[i]);
                wrong++;
                break;
            }
        }
    }
    EXPECT_ERR(cudaMemcpy(dev, host, 64, (enum cudaMemcpyKind)17), cudaErrorInvalidMemcpyDirection);
    EXPECT_ERR(cudaFreeHost(host), cudaErrorInvalidValue);       /* not from cudaMallocHost */
    EXPECT_ERR(cudaHostUnregister(host), cudaErrorHostMemoryNotRegistered);
}

static void bad_frees(char *dev) {
    void *once;
    EXPECT_ERR(cudaFree(WILD), cudaErrorInvalidValue);
    EXPECT_ERR(cudaFree(dev + 16), cudaErrorInvalidValue); /* inside an allocation, not its start */
    if (cudaMalloc(&once, 4096) != cudaSuccess || cudaFree(once) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cannot allocate and free 4096 bytes\n");
        wrong++;
        return;
    }
    EXPECT_ERR(cudaFree(once), cudaErrorInvalidValue); /* freed twice */
}

static void beyond_the_quota(void) {
    size_t free_b, total;
    if (cudaMemGetInfo(&free_b, &total) != cudaSuccess) {
        fprintf(stderr, "bad_inputs: cudaMemGetInfo failed\n");
        wrong++;
        return;
    }
    void *p = NULL;
    EXPECT_ERR(cudaMalloc(&p, total + (1u << 20)), cudaErrorMemoryAllocation);
    EXPECT_ERR(cudaMalloc(&p, free_b + (1u << 20)), cudaErrorMemoryAllocation);
    EXPECT_ERR(cudaMalloc(&p, SIZE_MAX / 2), cudaErrorMemoryAllocation);
    size_t pitch;
    EXPECT_ERR(cudaMallocPitch(&p, &pitch, total, 2), cudaErrorMemoryAllocation);
    /* sizes whose product wraps around to a small number: still beyond any quota */
    EXPECT_ERR(cudaMallocPitch(&p, &pitch, SIZE_MAX - 8, 2), cudaErrorMemoryAllocation);
    EXPECT_ERR(cudaMallocPitch(&p, &pitch, (size_t)1 << 33, (size_t)1 << 31), cudaErrorMemoryAllocation); /* 2^64: 0 */
    size_t after;
    if (cudaMemGetInfo(&after, &total) != cudaSuccess || after != free_b) {
        fprintf(stderr, "bad_inputs: free memory went from %zu to %zu bytes after refused allocations\n", free_b, after);
        wrong++;
    }
}

static void bad_configurations(cudaKernel_t k, float *a, float *b, float *c, int n) {
    void *args[] = {&a, &b, &c, &n};
    dim3 grid = {1, 1, 1}, too_many = {4096, 1, 1}, none = {0, 1, 1}, block = {256, 1, 1};
    EXPECT_ERR(cudaLaunchKernel((const void *)k, grid, too_many, args, 0, 0), cudaErrorInvalidConfiguration);
    EXPECT_ERR(cudaLaunchKernel((const void *)k, none, block, args, 0, 0), cudaErrorInvalidConfiguration);
    EXPECT_ERR(cudaLaunchKernel((const void *)k, grid, block, args, 0, (cudaStream_t)MADE_UP), cudaErrorInvalidResourceHandle);
    EXPECT_ERR(cudaLaunchKernel(MADE_UP, grid, block, args, 0, 0), cudaErrorInvalidDeviceFunction);
    int count = 0;
    if (cudaGetDeviceCount(&count) == cudaSuccess) EXPECT_ERR(cudaSetDevice(count), cudaErrorInvalidDevice);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bad_inputs FATBIN  (samples/target/kernels/vector_add.fatbin)\n");
        return 2;
    }
    if (!getenv("ORION_CONTROLLER") && !getenv("ORION_SERVER")) {
        fprintf(stderr, "bad_inputs: runs only on Orion (ORION_CONTROLLER or ORION_SERVER): natively a made-up "
                        "handle may crash the program\n");
        return 2;
    }
    void *image = read_file(argv[1]);
    if (!image) {
        fprintf(stderr, "bad_inputs: cannot read %s\n", argv[1]);
        return 2;
    }
    enum { N = 1 << 16 };
    size_t bytes = N * sizeof(float);
    char *dev;
    cudaLibrary_t lib;
    cudaKernel_t k;
    CHECK(cudaMalloc((void **)&dev, 1 << 20));
    CHECK(cudaLibraryLoadData(&lib, image, NULL, NULL, 0, NULL, NULL, 0));
    CHECK(cudaLibraryGetKernel(&k, lib, "vector_add"));
    float *a, *b, *c;
    CHECK(cudaMalloc((void **)&a, bytes));
    CHECK(cudaMalloc((void **)&b, bytes));
    CHECK(cudaMalloc((void **)&c, bytes));

    bad_streams();
    bad_events();
    bad_pointers(dev, 1 << 20);
    bad_frees(dev);
    beyond_the_quota();
    bad_configurations(k, a, b, c, N);

    /* the session goes on as if nothing had happened: a kernel computes the right sums */
    float *ha = malloc(bytes), *hb = malloc(bytes), *hc = malloc(bytes);
    if (!ha || !hb || !hc) return 1;
    for (int i = 0; i < N; i++) {
        ha[i] = (float)i;
        hb[i] = (float)(2 * i + 1);
    }
    CHECK(cudaMemcpy(a, ha, bytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(b, hb, bytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemset(c, 0, bytes));
    int n = N;
    void *args[] = {&a, &b, &c, &n};
    dim3 grid = {(N + 255) / 256, 1, 1}, block = {256, 1, 1};
    CHECK(cudaLaunchKernel((const void *)k, grid, block, args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(hc, c, bytes, cudaMemcpyDeviceToHost));
    for (int i = 0; i < N; i++) {
        if (hc[i] != (float)(3 * i + 1)) {
            fprintf(stderr, "bad_inputs: after the bad calls c[%d] = %f, expected %d\n", i, hc[i], 3 * i + 1);
            wrong++;
            break;
        }
    }
    CHECK(cudaGetLastError());
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(c));
    CHECK(cudaFree(dev));
    CHECK(cudaLibraryUnload(lib));
    free(image);
    if (wrong) {
        printf("bad_inputs: %d wrong answer(s)\n", wrong);
        return 1;
    }
    printf("bad_inputs: ok\n");
    return 0;
}
