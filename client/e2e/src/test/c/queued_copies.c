/*
 * Queued copies in flight when a connection breaks (client/e2e ResumeTest). Built by
 * client/Makefile into target/e2e/ with the shared CUDA runtime, and run through orion-run.
 *
 *   queued_copies BYTES
 *
 * Once its session is open and idle it prints "ready" and waits for a line on stdin (the test
 * then makes the connection lose what the program sends). It queues on a stream a copy of
 * pageable memory into p, a device-to-device copy of p into q and another copy into p, clears its
 * buffers (a program may reuse them at once), prints "queued", and copies synchronously into r:
 * over TCP each copy travels in frames of 1 MiB. The test breaks the connection there; the
 * session resumes and sends again what the server never saw. The program then checks that q holds
 * the first bytes (the device-to-device copy ran after the first copy and before the second), p
 * the second and r the third, and prints "queued_copies: ok" (exit 0) or what differs (exit 1).
 */
#include <cuda_runtime_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ok(cudaError_t e, const char *what) {
    if (e == cudaSuccess) return 1;
    fprintf(stderr, "queued_copies: %s: %s\n", what, cudaGetErrorString(e));
    return 0;
}

#define CHECK(call)                      \
    do {                                 \
        if (!ok((call), #call)) return 1; \
    } while (0)

static void pattern(uint8_t *b, size_t n, unsigned seed) {
    uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b[i] = (uint8_t)x;
    }
}

static int same(const uint8_t *got, size_t n, unsigned seed, const char *what) {
    uint8_t *want = malloc(n);
    if (!want) return 0;
    pattern(want, n, seed);
    int eq = memcmp(got, want, n) == 0;
    if (!eq) {
        size_t i = 0;
        while (got[i] == want[i]) i++;
        fprintf(stderr, "queued_copies: %s differs first at byte %zu of %zu\n", what, i, n);
    }
    free(want);
    return eq;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : (3u << 20) + 4100;
    uint8_t *a = malloc(n), *b = malloc(n), *c = malloc(n), *back = malloc(n);
    if (!a || !b || !c || !back) return 1;
    pattern(a, n, 1);
    pattern(b, n, 2);
    pattern(c, n, 3);
    void *p, *q, *r;
    cudaStream_t st;
    CHECK(cudaMalloc(&p, n));
    CHECK(cudaMalloc(&q, n));
    CHECK(cudaMalloc(&r, n));
    CHECK(cudaStreamCreate(&st));
    CHECK(cudaDeviceSynchronize());
    printf("ready\n");
    fflush(stdout);
    char line[16];
    if (!fgets(line, sizeof line, stdin)) return 1;

    CHECK(cudaMemcpyAsync(p, a, n, cudaMemcpyHostToDevice, st));
    CHECK(cudaMemcpyAsync(q, p, n, cudaMemcpyDeviceToDevice, st));
    CHECK(cudaMemcpyAsync(p, b, n, cudaMemcpyHostToDevice, st));
    memset(a, 0, n);
    memset(b, 0, n);
    printf("queued\n");
    fflush(stdout);
    CHECK(cudaMemcpy(r, c, n, cudaMemcpyHostToDevice)); /* the connection breaks here */
    CHECK(cudaStreamSynchronize(st));

    int good = 1;
    CHECK(cudaMemcpy(back, q, n, cudaMemcpyDeviceToHost));
    good &= same(back, n, 1, "q (the first copy, copied on the device before the second)");
    CHECK(cudaMemcpy(back, p, n, cudaMemcpyDeviceToHost));
    good &= same(back, n, 2, "p (the second copy)");
    CHECK(cudaMemcpy(back, r, n, cudaMemcpyDeviceToHost));
    good &= same(back, n, 3, "r (the synchronous copy)");
    CHECK(cudaStreamDestroy(st));
    CHECK(cudaFree(p));
    CHECK(cudaFree(q));
    CHECK(cudaFree(r));
    if (!good) return 1;
    printf("queued_copies: ok\n");
    return 0;
}
